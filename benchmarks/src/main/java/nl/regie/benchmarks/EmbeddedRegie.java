package nl.regie.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * An embedded Felix 7 provisioned as the launcher provisions it, for the benchmarks that need a whole Regie: the
 * bundles the launcher ships (Log, ConfigAdmin, MetaType, SCR, the HTTP whiteboard on Jetty, Jackson, Regie's api
 * and runtime, FileInstall), optionally EventAdmin, copied into the benchmark jar as {@code bundles/regie/NN-name.jar}
 * by the build and started in that order. The framework properties are the launcher's (plugins and state folders
 * under the work folder, HTTP on a free loopback port, no MQTT broker); Jetty keeps its warnings only, and bundles'
 * log entries at the chosen level or worse are printed. The system bundle exports only the log API: a benchmark talks
 * to its bundles through services of JDK types.
 */
public final class EmbeddedRegie implements AutoCloseable {

    /**
     * What differs between the benchmarks.
     *
     * @param site       the {@code regie.site} and the prefix of every bundle location ({@code site:name})
     * @param eventAdmin whether Felix EventAdmin, which the launcher does not ship, is installed too
     */
    public record Options(String site, boolean eventAdmin) {

        /** Checks the site name, which goes into bundle locations. */
        public Options {
            if (site == null || !site.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("site must be letters, digits, '.', '_' or '-', not " + site);
            }
        }

        /** The launcher's bundles only, for {@code site}. */
        public static Options site(String site) {
            return new Options(site, false);
        }

        /** These options with EventAdmin installed after the runtime. */
        public Options withEventAdmin() {
            return new Options(site, true);
        }
    }

    private static final String LOG_API_PACKAGES = "org.osgi.service.log;version=1.5.0,org.osgi.service.log.admin;version=1.0.0";

    private final Path work;
    private final Options options;
    private final int httpPort;
    private final Felix felix;
    private final ShippedBundles bundles;
    private final BenchmarkKey key;

    /**
     * Starts the framework in {@code work} (deleted on close) and its bundles; prints what the bundles log at
     * {@code level} or worse on {@code log}.
     */
    public EmbeddedRegie(Path work, Options options, LogLevel level, PrintStream log) throws IOException, BundleException {
        this.work = work;
        this.options = options;
        bundles = new ShippedBundles(work.resolve("bundles"), options.eventAdmin());
        key = BenchmarkKey.make(work.resolve("key"));
        // Jetty logs to stderr in its own format; keep its warnings only, as the launcher does.
        if (System.getProperty("org.eclipse.jetty.util.log.class") == null && System.getProperty("org.eclipse.jetty.LEVEL") == null) {
            System.setProperty("org.eclipse.jetty.util.log.class", "org.eclipse.jetty.util.log.StdErrLog");
            System.setProperty("org.eclipse.jetty.util.log.announce", "false");
            System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        }
        httpPort = freeLoopbackPort();
        felix = new Felix(new HashMap<>(properties()));
        felix.start();
        List<Bundle> installed = new ArrayList<>();
        for (Map.Entry<String, Path> file : bundles.files().entrySet()) {
            try (InputStream in = Files.newInputStream(file.getValue())) {
                installed.add(context().installBundle(location(file.getKey()), in));
            }
        }
        boolean listening = false;
        for (Bundle bundle : installed) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) {
                continue;
            }
            bundle.start();
            if (!listening) {
                // Listen from the first moment the log service is there, to see what the others report starting.
                listening = listen(level, log);
            }
        }
        awaitPolicy();
    }

    /** Waits for the policy of the config folder, which trusts the key the benchmark's plugins are signed with. */
    private void awaitPolicy() throws BundleException {
        try {
            if (awaitService("nl.regie.runtime.spi.policy.AccessPolicy", "(regie.config.file=*)", 30_000) == null) {
                throw new BundleException("the runtime did not apply the benchmark's policy within 30 s; its plugins,"
                        + " signed by a key only that policy lists, would be refused");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted while waiting for the benchmark's policy", e);
        }
    }

    private boolean listen(LogLevel level, PrintStream log) {
        ServiceReference<LogReaderService> reader = context().getServiceReference(LogReaderService.class);
        if (reader == null) {
            return false;
        }
        context().getService(reader).addLogListener(entry -> {
            // The framework's own events (logged at INFO and DEBUG by Felix Log) are noise here.
            boolean frameworkEvent = entry.getLogLevel().ordinal() >= LogLevel.INFO.ordinal()
                    && entry.getMessage().matches("(Bundle|Service|Framework)Event .*");
            if (entry.getLogLevel().ordinal() <= level.ordinal() && !frameworkEvent) {
                log.printf("  [%s %s] %s%s%n", entry.getLogLevel(), entry.getBundle().getSymbolicName(),
                        entry.getMessage(), entry.getException() == null ? "" : ": " + entry.getException());
            }
        });
        return true;
    }

    /** The launcher's framework properties, with every folder under the work folder. */
    private Map<String, String> properties() throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, LOG_API_PACKAGES);
        p.put("regie.site", options.site());
        // The runtime's own bundles, which alone may wire to its packages: those installed as {site}:nl.regie.runtime.*.
        p.put("regie.runtime.locations", location(ShippedBundles.RUNTIME_PREFIX));
        p.put("regie.state.dir", Files.createDirectories(work.resolve("state")).toString());
        p.put("regie.config.dir", configFolder().toString());
        String plugins = Files.createDirectories(work.resolve("plugins")).toString();
        p.put("regie.plugins.dir", plugins);
        p.put("org.apache.felix.http.enable", "true");
        p.put("org.apache.felix.https.enable", "false");
        p.put("org.osgi.service.http.port", Integer.toString(httpPort));
        p.put("org.apache.felix.http.host", "127.0.0.1");
        // The benchmark's clients are this process's own, on loopback: they call without a token (the development
        // switch; a deployment never sets it).
        p.put("regie.http.loopback.open", "true");
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

    /**
     * The config folder, with the benchmark's own plugins' limits lifted: they measure the bus and the stream, which the
     * runtime's default per-plugin limits (10,000 readings a second, half of the city state's queue) would throttle.
     */
    private Path configFolder() throws IOException {
        Path folder = Files.createDirectories(work.resolve("config"));
        // The runtime lets in plugins signed by a key its policy lists: the benchmark's own, for the city.
        Files.writeString(folder.resolve("nl.regie.runtime.policy.cfg"), "keys = city " + key.fingerprint() + "\n");
        Files.writeString(folder.resolve("nl.regie.runtime.limits.cfg"), String.join("\n",
                "# The benchmark's plugins measure the bus: their limits are lifted, every other plugin's stay.",
                "overrides = nl.regie.benchmarks.* publishPerSecond=100000000 publishBurst=100000000 \\",
                "    entities=100000000 subscriptions=10000 busSharePercent=100", ""));
        return folder;
    }

    /** The system bundle's context. */
    public BundleContext context() {
        return felix.getBundleContext();
    }

    /** The loopback port the HTTP whiteboard listens on. */
    public int httpPort() {
        return httpPort;
    }

    /** The location a benchmark bundle named {@code name} is installed at: {@code site:name}. */
    public String location(String name) {
        return options.site() + ":" + name;
    }

    /**
     * Builds the bundle of package {@code pkg} (private, its name as symbolic name) at {@code version} with bnd from
     * the benchmark's own classes, as a vendor's build would: DS and bundle annotations read, imports computed against
     * the api bundle and, when installed, EventAdmin; signed with the benchmark's key, which its policy lists.
     */
    public byte[] buildBundle(String pkg, String version) {
        return key.sign(bundles.build(pkg, version), work.resolve("signing"));
    }

    /** Builds the bundle of package {@code pkg} at version 1.0.0 (see {@link #buildBundle}), installs and starts it. */
    public Bundle installPackage(String pkg) throws BundleException {
        Bundle bundle = context().installBundle(location(pkg), new ByteArrayInputStream(buildBundle(pkg, "1.0.0")));
        bundle.start();
        return bundle;
    }

    /**
     * Waits at most {@code millis} for a service of the named class (any class loader's) matching the filter.
     *
     * @return its reference, or null when none came
     */
    public ServiceReference<?> awaitService(String className, String filter, long millis) throws InterruptedException {
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

    /** The service {@link #awaitService} finds; an {@link IllegalStateException} when none came in time. */
    public Object requireService(String className, String filter, long millis) throws InterruptedException {
        ServiceReference<?> reference = awaitService(className, filter, millis);
        if (reference == null) {
            throw new IllegalStateException("no " + className + " service " + filter + " within " + millis + " ms");
        }
        return context().getService(reference);
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

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
