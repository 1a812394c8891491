package nl.regie.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The framework every test class runs in: Apache Felix with the same services the launcher starts (Felix
 * Log, SCR, ConfigAdmin, MetaType, FileInstall, the HTTP whiteboard on Jetty, Jackson) and Regie's api and runtime
 * bundles (one per role). FileInstall watches an empty folder of its own, and without {@code regie.plugins.dir} the runtime's
 * plugins-folder installer claims nothing: the tests install plugins themselves.
 *
 * <p>Bundles are installed from the files Maven resolved (surefire passes each path as a system property
 * {@code regie.bundle.<name>}), so nothing is looked up in a repository at test time. Reactor modules that
 * were only compiled, not packaged, are installed from their class folders.
 */
final class RegieFramework {

    /** The bundles to install, in order: each name is a {@code regie.bundle.<name>} system property. */
    private static final List<String> BUNDLES = List.of(
            "log", "function", "promise", "component", "scr", "configadmin", "metatype", "fileinstall",
            "servlet-api", "jetty", "jackson-annotations", "jackson-core", "jackson-databind",
            "api", "runtime.spi", "runtime.core", "runtime.sovereignty", "runtime.config", "runtime.devices",
            "runtime.federation", "runtime.lifecycle", "runtime.web");

    /**
     * Pax Exam's location for the test probe. The probe is trusted as a runtime bundle (see {@link #options()}): the
     * lifecycle and policy tests drive the runtime's SPI services from it, as the runtime's own tooling does.
     */
    static final String PROBE_LOCATION = "local";

    private RegieFramework() {
    }

    /** The options of a test class's framework. */
    static Option[] options() {
        return options(List.of());
    }

    /**
     * The options of a test class's framework with more bundles installed after the others, such as the history and
     * DuckDB: only the test classes that need them install them, so the JVM these tests share loads DuckDB's native
     * library once.
     */
    static Option[] options(List<String> extraBundles) {
        List<Option> options = new ArrayList<>();
        options.add(cleanCaches());
        options.add(workingDirectory(new File(workDirectory(), "framework").getPath()));
        // The HTTP whiteboard listens on loopback only, on a port free right now.
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(freeLoopbackPort())));
        options.add(frameworkProperty("felix.log.level").value("1"));
        // FileInstall (the runtime imports its API) watches a fresh, empty folder: nothing of importance.
        options.add(frameworkProperty("felix.fileinstall.dir").value(emptyFolder("fileinstall").getPath()));
        options.add(frameworkProperty("felix.fileinstall.log.level").value("1"));
        // bndlib, on the test class path, builds the plugin bundles inside the probe; the JDK's jar signing API signs
        // them (TestKeys), as the runtime lets in signed plugins only.
        options.add(systemPackages("aQute.bnd.osgi", "aQute.service.reporter", "jdk.security.jarsigner"));
        options.add(junitBundles());
        List<String> runtimeLocations = new ArrayList<>(List.of(PROBE_LOCATION));
        List<String> bundles = new ArrayList<>(BUNDLES);
        bundles.addAll(extraBundles);
        for (String name : bundles) {
            String url = url(bundleFile(name));
            options.add(bundle(url));
            if (name.startsWith("runtime.")) {
                runtimeLocations.add(url);
            }
        }
        // The operator's HTTP token, in a file of this run: the tests call HTTP with it (RegieTestSupport.get).
        options.add(frameworkProperty(OPERATOR_TOKEN_FILE).value(operatorTokenFile().getPath()));
        // Which bundles may wire to the runtime's packages: the runtime's own, as installed here, and the probe.
        options.add(frameworkProperty("regie.runtime.locations").value(String.join(",", runtimeLocations)));
        return options.toArray(new Option[0]);
    }

    /** The framework property naming the file with the operator's HTTP token. */
    static final String OPERATOR_TOKEN_FILE = "regie.http.operator.token.file";

    /** A fresh file with a random operator token, under the work folder. */
    private static File operatorTokenFile() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try {
            File file = new File(emptyFolder("operator"), "operator.token");
            Files.writeString(file.toPath(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the operator token", e);
        }
    }

    /** The file of one of the bundles Maven resolved for the tests. */
    static File bundleFile(String name) {
        String path = System.getProperty("regie.bundle." + name);
        if (path == null || path.isBlank() || path.contains("${")) {
            throw new IllegalStateException("system property regie.bundle." + name + " is not set (" + path
                    + "); run the tests through Maven, e.g. mvn install -pl itests -am");
        }
        return TestBundles.existing(new File(path), "bundle " + name);
    }

    /** The folder with the compiled test plugins. */
    static File pluginClasses() {
        return TestBundles.existing(new File(requiredProperty("regie.plugin.classes")), "the compiled test plugins");
    }

    /** The folder for what the tests write, under {@code target}. */
    static File workDirectory() {
        return new File(requiredProperty("regie.itests.work"));
    }

    private static String requiredProperty(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("system property " + key
                    + " is not set; run the tests through Maven, e.g. mvn install -pl itests -am");
        }
        return value;
    }

    /** A jar as a file URL; a class folder (a reactor module not yet packaged) as a Felix reference URL. */
    private static String url(File file) {
        String uri = file.toURI().toString();
        return file.isDirectory() ? "reference:" + uri : uri;
    }

    private static File emptyFolder(String prefix) {
        try {
            File root = workDirectory();
            Files.createDirectories(root.toPath());
            return Files.createTempDirectory(root.toPath(), prefix + "-").toFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder under " + workDirectory(), e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
