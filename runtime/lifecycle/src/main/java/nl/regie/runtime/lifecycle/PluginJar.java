package nl.regie.runtime.lifecycle;

import org.osgi.framework.Version;

/**
 * A plugin jar the lifecycle holds in memory: read once, so the caller may delete its file, and checked by
 * {@link JarInspector} to be a plugin bundle.
 *
 * @param symbolicName its Bundle-SymbolicName (without directives)
 * @param version      its Bundle-Version
 * @param bytes        the jar's content (not copied; never modified)
 * @param sha256       the content's SHA-256, lower-case hex
 */
record PluginJar(String symbolicName, Version version, byte[] bytes, String sha256) {

    /** The version as text, as the history and the file names spell it. */
    String versionText() {
        return version.toString();
    }

    /** "name version", for messages. */
    String describe() {
        return symbolicName + " " + version;
    }
}
