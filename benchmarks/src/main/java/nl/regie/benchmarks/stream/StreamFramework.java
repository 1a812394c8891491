package nl.regie.benchmarks.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

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
 * An embedded Felix 7 provisioned as the launcher provisions it, the way the swap benchmark starts one: the bundles
 * the launcher ships (Log, ConfigAdmin, MetaType, SCR, the HTTP whiteboard on Jetty, Jackson, Regie's api and runtime,
 * FileInstall), copied into the benchmark jar as {@code bundles/regie/NN-name.jar} by the build and started in that
 * order, with HTTP on a free loopback port and no MQTT broker. Bundles' warnings and errors are printed. The system
 * bundle exports only the log API: the benchmark talks to its bundles through services of JDK types.
 */
final class StreamFramework implements AutoCloseable {

    private static final String FOLDER = "bundles/regie/";
    private static final String LOG_API_PACKAGES = "org.osgi.service.log;version=1.5.0,org.osgi.service.log.admin;version=1.0.0";

    private final Path work;
    private final Felix felix;
    private final int httpPort;
    private final Path apiBundle;

    /** Starts the framework in {@code work} (deleted on close); prints what bundles log at {@code level} or worse. */
    StreamFramework(Path work, LogLevel level, PrintStream log) throws IOException, BundleException {
        this.work = work;
        Path files = Files.createDirectories(work.resolve("bundles"));
        Map<String, Path> bundleFiles = new LinkedHashMap<>();
        for (String resource : shippedBundles()) {
            String file = resource.substring(FOLDER.length());
            if (file.contains("eventadmin")) {
                continue; // the swap benchmark's comparison; the launcher does not ship it
            }
            try (InputStream in = StreamFramework.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException(resource + " is missing from the benchmark jar");
                }
                Path target = files.resolve(file);
                Files.copy(in, target);
                bundleFiles.put(file.replaceFirst("^\\d+-", "").replaceFirst("\\.jar$", ""), target);
            }
        }
        if (!bundleFiles.containsKey("nl.regie.runtime") || !bundleFiles.containsKey("nl.regie.api")) {
            throw new IOException("the benchmark jar has no " + FOLDER + "*-nl.regie.runtime.jar; build it with mvn install");
        }
        apiBundle = bundleFiles.get("nl.regie.api");
        if (System.getProperty("org.eclipse.jetty.LEVEL") == null) {
            System.setProperty("org.eclipse.jetty.util.log.class", "org.eclipse.jetty.util.log.StdErrLog");
            System.setProperty("org.eclipse.jetty.util.log.announce", "false");
            System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        }
        httpPort = freeLoopbackPort();
        felix = new Felix(new HashMap<>(properties(work, httpPort)));
        felix.start();
        BundleContext context = felix.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (Map.Entry<String, Path> file : bundleFiles.entrySet()) {
            try (InputStream in = Files.newInputStream(file.getValue())) {
                installed.add(context.installBundle("stream-bench:" + file.getKey(), in));
            }
        }
        boolean listening = false;
        for (Bundle bundle : installed) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) {
                continue;
            }
            bundle.start();
            ServiceReference<LogReaderService> reader = context.getServiceReference(LogReaderService.class);
            if (!listening && reader != null) {
                listening = true;
                context.getService(reader).addLogListener(entry -> {
                    if (entry.getLogLevel().ordinal() <= level.ordinal()
                            && !entry.getMessage().matches("(Bundle|Service|Framework)Event .*")) {
                        log.printf("  [%s %s] %s%s%n", entry.getLogLevel(), entry.getBundle().getSymbolicName(),
                                entry.getMessage(), entry.getException() == null ? "" : ": " + entry.getException());
                    }
                });
            }
        }
    }

    private static Map<String, String> properties(Path work, int httpPort) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, LOG_API_PACKAGES);
        p.put("regie.site", "stream-bench");
        p.put("regie.state.dir", Files.createDirectories(work.resolve("state")).toString());
        String plugins = Files.createDirectories(work.resolve("plugins")).toString();
        p.put("regie.plugins.dir", plugins);
        p.put("org.apache.felix.http.enable", "true");
        p.put("org.apache.felix.https.enable", "false");
        p.put("org.osgi.service.http.port", Integer.toString(httpPort));
        p.put("org.apache.felix.http.host", "127.0.0.1");
        p.put("felix.fileinstall.dir", plugins);
        p.put("felix.fileinstall.filter", ".*\\.jar");
        p.put("felix.fileinstall.poll", "500");
        p.put("felix.fileinstall.noInitialDelay", "true");
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

    int httpPort() {
        return httpPort;
    }

    /**
     * Builds the bundle of package {@code pkg} with bnd from the benchmark's own classes, as a vendor's build would
     * (DS and bundle annotations read, imports computed against the api bundle), installs and starts it.
     */
    Bundle installPackage(String pkg) throws BundleException {
        try (Builder builder = new Builder()) {
            builder.setProperty("Bundle-SymbolicName", pkg);
            builder.setProperty("Bundle-Version", "1.0.0");
            builder.setProperty("Private-Package", pkg);
            builder.setProperty("-dsannotations", "*");
            builder.setProperty("-noextraheaders", "true");
            builder.addClasspath(apiBundle.toFile());
            builder.addClasspath(codeSource().toFile());
            Jar jar = builder.build();
            if (!builder.isOk()) {
                throw new IllegalStateException("bnd could not build " + pkg + ": " + builder.getErrors());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            jar.write(out);
            Bundle bundle = context().installBundle("stream-bench:" + pkg, new ByteArrayInputStream(out.toByteArray()));
            bundle.start();
            return bundle;
        } catch (BundleException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("bnd could not build " + pkg + ": " + e, e);
        }
    }

    /** Waits at most {@code millis} for a service of the named class (any class loader's) matching the filter. */
    Object awaitService(String className, String filter, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        do {
            try {
                ServiceReference<?>[] references = context().getAllServiceReferences(className, filter);
                if (references != null && references.length > 0) {
                    return context().getService(references[0]);
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(filter, e);
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("no " + className + " service " + filter + " within " + millis + " ms");
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

    private static Path codeSource() {
        try {
            return Path.of(StreamFramework.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
