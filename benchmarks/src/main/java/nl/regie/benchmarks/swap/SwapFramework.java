package nl.regie.benchmarks.swap;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;

/**
 * An embedded Felix 7 provisioned as the launcher provisions it: the bundles it ships (Log, ConfigAdmin,
 * MetaType, SCR, the HTTP whiteboard on Jetty, Jackson, Regie's api and runtime, FileInstall), plus EventAdmin for
 * the comparison, copied into the benchmark jar as {@code bundles/regie/NN-name.jar} by the build and installed
 * in that order. The framework properties are the launcher's (plugins folder, state folder, HTTP on a free
 * loopback port, no MQTT broker). The system bundle exports only the log API, so the benchmark can print what the
 * bundles log; everything else the benchmark exchanges with bundles is of JDK types.
 */
final class SwapFramework implements AutoCloseable {

    private static final String FOLDER = "bundles/regie/";
    private static final String LOG_API_PACKAGES = "org.osgi.service.log;version=1.5.0,org.osgi.service.log.admin;version=1.0.0";

    private final Path work;
    private final Felix felix;
    private final Map<String, Path> bundleFiles = new LinkedHashMap<>();

    /**
     * Starts the framework in {@code work} (deleted on close) and its bundles; prints what the bundles log at
     * {@code logLevel} or worse on {@code log}.
     */
    SwapFramework(Path work, LogLevel logLevel, PrintStream log) throws IOException, BundleException {
        this.work = work;
        Path files = Files.createDirectories(work.resolve("bundles"));
        for (String resource : shippedBundles()) {
            String file = resource.substring(FOLDER.length());
            try (InputStream in = SwapFramework.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException(resource + " is missing from the benchmark jar");
                }
                Path target = files.resolve(file);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                bundleFiles.put(file.replaceFirst("^\\d+-", "").replaceFirst("\\.jar$", ""), target);
            }
        }
        if (!bundleFiles.containsKey("nl.regie.runtime")) {
            throw new IOException("the benchmark jar has no " + FOLDER + "*-nl.regie.runtime.jar; build it with mvn install");
        }
        // Jetty logs to stderr in its own format; keep its warnings only, as the launcher does.
        if (System.getProperty("org.eclipse.jetty.util.log.class") == null && System.getProperty("org.eclipse.jetty.LEVEL") == null) {
            System.setProperty("org.eclipse.jetty.util.log.class", "org.eclipse.jetty.util.log.StdErrLog");
            System.setProperty("org.eclipse.jetty.util.log.announce", "false");
            System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        }
        felix = new Felix(new HashMap<>(properties(work)));
        felix.start();
        BundleContext context = felix.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (Map.Entry<String, Path> file : bundleFiles.entrySet()) {
            try (InputStream in = Files.newInputStream(file.getValue())) {
                installed.add(context.installBundle("swap-bench:" + file.getKey(), in));
            }
        }
        ServiceReference<LogReaderService> logReader = null;
        for (Bundle bundle : installed) {
            if (isFragment(bundle)) {
                continue;
            }
            bundle.start();
            if (logReader == null) {
                // Listen from the first moment the log service is there, to see what the others report starting.
                logReader = context.getServiceReference(LogReaderService.class);
                if (logReader != null) {
                    context.getService(logReader).addLogListener(entry -> {
                        // The framework's own events (logged at INFO and DEBUG by Felix Log) are noise here.
                        boolean frameworkEvent = entry.getLogLevel().ordinal() >= LogLevel.INFO.ordinal()
                                && entry.getMessage().matches("(Bundle|Service|Framework)Event .*");
                        if (entry.getLogLevel().ordinal() <= logLevel.ordinal() && !frameworkEvent) {
                            log.printf("  [%s %s] %s%s%n", entry.getLogLevel(), entry.getBundle().getSymbolicName(),
                                    entry.getMessage(), entry.getException() == null ? "" : ": " + entry.getException());
                        }
                    });
                }
            }
        }
    }

    /** The launcher's framework properties, with every folder under {@code work}. */
    private static Map<String, String> properties(Path work) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, LOG_API_PACKAGES);
        p.put("regie.site", "swap-bench");
        p.put("regie.state.dir", Files.createDirectories(work.resolve("state")).toString());
        String plugins = Files.createDirectories(work.resolve("plugins")).toString();
        p.put("regie.plugins.dir", plugins);
        p.put("org.apache.felix.http.enable", "true");
        p.put("org.apache.felix.https.enable", "false");
        p.put("org.osgi.service.http.port", Integer.toString(freeLoopbackPort()));
        p.put("org.apache.felix.http.host", "127.0.0.1");
        p.put("felix.fileinstall.dir", plugins);
        p.put("felix.fileinstall.filter", ".*\\.jar");
        p.put("felix.fileinstall.poll", "500");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.bundles.new.start", "true");
        p.put("felix.fileinstall.bundles.startTransient", "false");
        p.put("felix.fileinstall.tmpdir", work.resolve("fileinstall").toString());
        p.put("felix.fileinstall.log.level", "2");
        p.put("org.osgi.service.log.admin.loglevel", "INFO");
        p.put("ds.loglevel", "warn");
        p.put("felix.log.level", "1");
        return p;
    }

    BundleContext context() {
        return felix.getBundleContext();
    }

    /** The file of a shipped bundle by name ({@code nl.regie.api}, {@code org.apache.felix.eventadmin}). */
    Path bundleFile(String name) {
        Path file = bundleFiles.get(name);
        if (file == null) {
            throw new IllegalStateException("no bundle " + name + " in the benchmark jar");
        }
        return file;
    }

    /**
     * Waits at most {@code millis} for a service of the named class (any class loader's) matching the filter.
     *
     * @return its reference, or null when none came
     */
    ServiceReference<?> awaitService(String className, String filter, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        do {
            try {
                // "All": the benchmark (the system bundle) need not share the service's class with its registrar.
                ServiceReference<?>[] references = context().getAllServiceReferences(className, filter);
                if (references != null && references.length > 0) {
                    return references[0];
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(filter, e);
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return null;
    }

    @Override
    public void close() throws Exception {
        felix.stop();
        felix.waitForStop(20_000);
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The bundle resources in the benchmark jar (or, run from the classes folder, in it), in start order. */
    private static List<String> shippedBundles() throws IOException {
        Path source = codeSource();
        List<String> resources = new ArrayList<>();
        if (Files.isDirectory(source)) {
            Path folder = source.resolve(FOLDER);
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    files.map(f -> FOLDER + f.getFileName()).filter(f -> f.endsWith(".jar")).forEach(resources::add);
                }
            }
        } else {
            try (JarFile jar = new JarFile(source.toFile())) {
                jar.stream().map(JarEntry::getName)
                        .filter(n -> n.startsWith(FOLDER) && n.endsWith(".jar") && n.indexOf('/', FOLDER.length()) < 0)
                        .forEach(resources::add);
            }
        }
        resources.sort(Comparator.naturalOrder());
        return resources;
    }

    /** Where the benchmark's own classes are (the jar, or the classes folder): bnd packs the test plugins from it. */
    static Path codeSource() {
        try {
            return Path.of(SwapFramework.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
