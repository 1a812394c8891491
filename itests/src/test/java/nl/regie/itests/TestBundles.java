package nl.regie.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

/**
 * Builds the bundles the tests install, at run time, from the test plugins compiled in
 * {@code src/main/java} (one package per plugin). bnd turns their DS annotations, including
 * {@code @ReadingTopics}, into component descriptions, their metatype annotations into metatype documents, their
 * {@code @PluginScope} into a {@code regie.scope} capability, and
 * computes their imports from the api jar, exactly as a vendor's build would.
 *
 * <p>bndlib comes from the test class path; the framework's system bundle exports its packages to the
 * probe (see {@link RegieFramework}).
 */
final class TestBundles {

    /** The probe plugin's package. */
    static final String PROBE_PACKAGE = "nl.regie.itests.plugin.probe";
    /** The package of the plugin whose component fails in activate. */
    static final String FAULTY_PACKAGE = "nl.regie.itests.plugin.faulty";
    /** The package of the plugin with a malformed topic filter (and a well-formed canary). */
    static final String MALFORMED_PACKAGE = "nl.regie.itests.plugin.malformed";
    /** The package of the plugin with a typed, metatype-described configuration. */
    static final String CONFIGURED_PACKAGE = "nl.regie.itests.plugin.configured";
    /** The package of the plugin that raises an alert when it starts. */
    static final String ALERTING_PACKAGE = "nl.regie.itests.plugin.alerting";
    /** The package of the plugin that passes on the sequence numbers it receives. */
    static final String SEQUENCE_PACKAGE = "nl.regie.itests.plugin.sequence";
    /** The package of the plugin that starts a thread and forgets it. */
    static final String LEAKY_PACKAGE = "nl.regie.itests.plugin.leaky";
    /** The package of the plugin that starts a thread and stops it. */
    static final String TIDY_PACKAGE = "nl.regie.itests.plugin.tidy";
    /** The package of the plugin whose health check needs a while to pass. */
    static final String WARMING_PACKAGE = "nl.regie.itests.plugin.warming";
    /** The package of the plugin whose health check throws. */
    static final String SICK_PACKAGE = "nl.regie.itests.plugin.sick";
    /** The package of the plugin that tries to act outside its declared scope. */
    static final String HOSTILE_PACKAGE = "nl.regie.itests.plugin.hostile";
    /** The package of the well-behaved plugin that republishes filling levels as percentages. */
    static final String ECHO_PACKAGE = "nl.regie.itests.plugin.echo";
    /** The package of the plugin that declares no scope. */
    static final String UNDECLARED_PACKAGE = "nl.regie.itests.plugin.undeclared";
    /** The package of the plugin that registers services others trust without the operator's grant. */
    static final String TRESPASS_PACKAGE = "nl.regie.itests.plugin.trespass";
    /** The package of the plugin that registers services others trust, declared and granted. */
    static final String GRANTED_PACKAGE = "nl.regie.itests.plugin.granted";
    /** The package of the plugin that rewrites runtime configurations through ConfigurationAdmin. */
    static final String REWRITER_PACKAGE = "nl.regie.itests.plugin.rewriter";
    /** The package of the plugin that floods the bus and goes past every limit. */
    static final String FLOODER_PACKAGE = "nl.regie.itests.plugin.flooder";
    /** The package of the plugin that deletes its routes and tries to delete what is not its own. */
    static final String DELETING_PACKAGE = "nl.regie.itests.plugin.deleting";
    /** The package of the plugin whose listener throws on every reading. */
    static final String FAILING_PACKAGE = "nl.regie.itests.plugin.failing";

    private TestBundles() {
    }

    /**
     * A plugin bundle holding one package of the test plugins, signed with the city's demo key.
     *
     * @param symbolicName its Bundle-SymbolicName
     * @param version      its Bundle-Version
     * @param pluginPackage the package to put in it, privately
     */
    static InputStream plugin(String symbolicName, String version, String pluginPackage) {
        return signedPlugin(symbolicName, version, pluginPackage, TestKeys.CITY);
    }

    /** A plugin bundle like {@link #plugin(String, String, String)}, signed with another key, or unsigned (null). */
    static InputStream signedPlugin(String symbolicName, String version, String pluginPackage, TestKeys key) {
        InputStream jar = plugin(symbolicName, version, pluginPackage, null);
        return key == null ? jar : key.sign(jar);
    }

    /**
     * A plugin bundle like {@link #plugin(String, String, String)} that also imports a package nobody exports, so
     * it cannot resolve.
     */
    static InputStream pluginWithMissingImport(String symbolicName, String version, String pluginPackage,
            String missingPackage) {
        return TestKeys.CITY.sign(plugin(symbolicName, version, pluginPackage, missingPackage + ";version=\"[1.0,2)\",*"));
    }

    /**
     * An existing bundle jar with another Bundle-Version in its manifest, everything else as it was, signed anew with
     * the city's key (changing the manifest breaks any signature it had).
     */
    static InputStream withVersion(File bundle, String version) {
        try (Jar jar = new Jar(bundle)) {
            Manifest manifest = jar.getManifest();
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            jar.setManifest(manifest);
            for (String path : List.copyOf(jar.getResources().keySet())) {
                if (path.startsWith("META-INF/") && !path.equals("META-INF/MANIFEST.MF")
                        && path.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")) {
                    jar.remove(path);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            jar.write(out);
            return TestKeys.CITY.sign(new ByteArrayInputStream(out.toByteArray()));
        } catch (Exception e) {
            throw new IllegalStateException("bnd could not rewrite the version of " + bundle, e);
        }
    }

    private static InputStream plugin(String symbolicName, String version, String pluginPackage, String imports) {
        try (Builder builder = new Builder()) {
            if (imports != null) {
                builder.setProperty("Import-Package", imports);
            }
            builder.setProperty("Bundle-SymbolicName", symbolicName);
            builder.setProperty("Bundle-Version", version);
            builder.setProperty("Private-Package", pluginPackage);
            builder.setProperty("-dsannotations", "*");
            builder.setProperty("-metatypeannotations", "*");
            builder.setProperty("-noextraheaders", "true");
            builder.addClasspath(RegieFramework.pluginClasses());
            builder.addClasspath(RegieFramework.bundleFile("api"));
            // What some test plugins use besides the api, so that their imports get the versions these export.
            builder.addClasspath(RegieFramework.bundleFile("servlet-api"));
            builder.addClasspath(RegieFramework.bundleFile("http-whiteboard-api"));
            builder.addClasspath(RegieFramework.bundleFile("configadmin"));
            Jar jar = builder.build();
            if (!builder.isOk()) {
                throw new IllegalStateException("bnd could not build " + symbolicName + ": " + builder.getErrors());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            jar.write(out);
            return new ByteArrayInputStream(out.toByteArray());
        } catch (Exception e) {
            throw new IllegalStateException("bnd could not build " + symbolicName, e);
        }
    }

    /** A jar whose manifest claims OSGi R4 (Bundle-ManifestVersion 2) but has no Bundle-SymbolicName. */
    static InputStream jarWithoutSymbolicName() {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-Name", "Regie itests: a jar that is not a bundle");
        main.putValue("Bundle-Version", "1.0.0");
        return jar(manifest);
    }

    /** A bundle that imports a package nobody exports, so it installs but cannot resolve. */
    static InputStream bundleWithMissingImport(String symbolicName, String missingPackage) {
        return classlessBundle(symbolicName, "Import-Package", missingPackage + ";version=\"[1.0,2)\"");
    }

    /** A bundle with no classes that exports one (empty) package at version 1.0.0. */
    static InputStream exporting(String symbolicName, String exportedPackage) {
        return classlessBundle(symbolicName, "Export-Package", exportedPackage + ";version=\"1.0.0\"");
    }

    /** A bundle at version 1.0.0 with no classes, whose manifest has one more header. */
    private static InputStream classlessBundle(String symbolicName, String header, String value) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue(header, value);
        return jar(manifest);
    }

    private static InputStream jar(Manifest manifest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /** A file that must exist; the message says how to get it. */
    static File existing(File file, String what) {
        if (!file.exists()) {
            throw new IllegalStateException(what + " not found at " + file
                    + "; run the tests through Maven, e.g. mvn install -pl itests -am");
        }
        return file;
    }
}
