package nl.regie.runtime.lifecycle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.PluginBundles;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/**
 * Reads a jar offered to the lifecycle and checks that it is a plugin bundle, before anything in the framework
 * is touched: a jar (zip) with a manifest that declares Bundle-ManifestVersion 2, a valid Bundle-SymbolicName and
 * Bundle-Version, is no fragment, and imports a Regie API package. Each refusal says exactly what is missing.
 */
final class JarInspector {

    /** An OSGi symbolic name: dot-separated tokens. */
    private static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    private JarInspector() {
    }

    /**
     * Reads and checks a jar file.
     *
     * @param jar  the file
     * @param what how a refusal starts, naming the operation and plugin: "Cannot update nl.regie.waste"
     * @throws LifecycleException NOT_A_BUNDLE, saying why
     */
    static PluginJar read(Path jar, String what) throws LifecycleException {
        if (jar == null) {
            throw notABundle(what, "no jar was given");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(jar);
        } catch (NoSuchFileException e) {
            throw notABundle(what, jar + " does not exist");
        } catch (IOException e) {
            throw notABundle(what, "cannot read " + jar + ": " + e.getMessage());
        }
        return check(bytes, jar.getFileName() + " ", what);
    }

    /**
     * Checks a jar held in memory (a kept version).
     *
     * @param name how to call the jar in a message, with a trailing space, or "" to say "the jar"
     */
    static PluginJar check(byte[] bytes, String name, String what) throws LifecycleException {
        String subject = name.isEmpty() ? "the jar " : name;
        Manifest manifest = manifest(bytes, subject, what);
        Attributes main = manifest.getMainAttributes();
        String manifestVersion = main.getValue(Constants.BUNDLE_MANIFESTVERSION);
        if (manifestVersion == null) {
            throw notABundle(what, subject + "is not an OSGi bundle: its manifest has no Bundle-ManifestVersion"
                    + " (a plain jar)");
        }
        if (!manifestVersion.trim().equals("2")) {
            throw notABundle(what, subject + "is not an OSGi bundle: its Bundle-ManifestVersion is " + manifestVersion.trim()
                    + "; a plugin needs 2 (OSGi R4 or later)");
        }
        String symbolicName = main.getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (symbolicName == null || symbolicName.isBlank()) {
            throw notABundle(what, subject + "is not an OSGi bundle: its manifest has no Bundle-SymbolicName");
        }
        symbolicName = symbolicName.split(";", 2)[0].trim();
        if (!SYMBOLIC_NAME.matcher(symbolicName).matches()) {
            throw notABundle(what, subject + "is not an OSGi bundle: its Bundle-SymbolicName '" + symbolicName
                    + "' is not a valid symbolic name (dot-separated letters, digits, '_' and '-')");
        }
        String versionText = main.getValue(Constants.BUNDLE_VERSION);
        if (versionText == null || versionText.isBlank()) {
            throw notABundle(what, subject + "(" + symbolicName + ") has no Bundle-Version in its manifest");
        }
        Version version;
        try {
            version = Version.parseVersion(versionText.trim());
        } catch (IllegalArgumentException e) {
            throw notABundle(what, subject + "(" + symbolicName + ") has Bundle-Version '" + versionText.trim()
                    + "', which is not an OSGi version (major.minor.micro.qualifier): " + e.getMessage());
        }
        String host = main.getValue(Constants.FRAGMENT_HOST);
        if (host != null) {
            throw notABundle(what, subject + "(" + symbolicName + ") is a fragment of " + host.split(";", 2)[0].trim()
                    + ", not a plugin");
        }
        if (!PluginBundles.importsApi(main.getValue(Constants.IMPORT_PACKAGE))) {
            throw notABundle(what, subject + "(" + symbolicName + " " + version + ") is a bundle but not a Regie plugin:"
                    + " it imports no " + PluginBundles.API_PACKAGE + " package");
        }
        return new PluginJar(symbolicName, version, bytes, Jars.sha256(bytes));
    }

    /** The manifest, found wherever it is in the zip (JarInputStream only looks at the first entries). */
    private static Manifest manifest(byte[] bytes, String subject, String what) throws LifecycleException {
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries++;
                if (entry.getName().equalsIgnoreCase(Jars.MANIFEST)) {
                    return new Manifest(zip);
                }
            }
        } catch (IOException e) {
            throw notABundle(what, subject + "is not a readable jar: " + e.getMessage());
        }
        if (entries == 0) {
            throw notABundle(what, subject + "is not a jar (zip) file");
        }
        throw notABundle(what, subject + "is not an OSGi bundle: it has no " + Jars.MANIFEST);
    }

    private static LifecycleException notABundle(String what, String why) {
        return new LifecycleException(Reason.NOT_A_BUNDLE, what + ": " + why);
    }
}
