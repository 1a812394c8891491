package nl.regie.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import nl.regie.launcher.broker.BrokerLogins;
import nl.regie.simulator.BrokerLogin;
import nl.regie.simulator.CitySimulator;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Regie's start and stop, in order: check the HTTP port, start the embedded MQTT broker (or probe the external one in
 * the background) and beside it the framework and the shipped bundles (the devices bundle, whose bridge connects to the
 * broker, once it listens; unless {@link #BROKER_BESIDE} is false; FileInstall last: the plugins already in the
 * folder go through the runtime's plugin lifecycle while it starts) and the simulated city's connections (built, and
 * connected once the broker listens, on a thread of their own), wait for the HTTP server, wait for the runtime's
 * MQTT bridge to subscribe, run the simulated city (its births and packs), then summarise; the Gogo shell starts after the summary
 * ({@link #startShell}). Stopping goes the other way: simulator, framework, broker. It is safe from any thread, at any
 * time, more than once. Parts left out with {@code --without} are skipped with what only they need: without the web
 * part no HTTP server, without the devices part no broker and no simulator, without the lifecycle no plugins folder.
 */
final class Launcher {

    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** How long the launcher waits for the runtime's MQTT bridge to subscribe at the embedded broker. */
    static final Duration BRIDGE_TIMEOUT = Duration.ofSeconds(10);
    /** What the simulator's warnings are attributed to on the console. */
    static final String SIMULATOR = "simulator";
    /** The thread that builds the simulated city and connects it while the framework starts. */
    static final String SIMULATOR_THREAD = "regie-simulator-start";
    /** {@code false} starts the embedded broker before the framework rather than beside it (a system property). */
    static final String BROKER_BESIDE = "regie.startup.broker.beside";
    /** The bundle of the runtime's MQTT bridge: it starts once the embedded broker listens. */
    static final String BRIDGE_BUNDLE = "nl.regie.runtime.devices";
    /** The framework's cache, in the state folder. */
    static final String FRAMEWORK_CACHE = "framework";
    /** The HTTP tokens in the config folder (the web bundle's {@code AccessFilter}). */
    static final String ACCESS_FILE = "nl.regie.runtime.access.cfg";
    /** The access filter once it has the config folder's tokens: the folder marks what it applies with the file. */
    static final String ACCESS_FROM_FILE = "(&(objectClass=javax.servlet.Filter)(service.pid=nl.regie.runtime.access)"
            + "(regie.config.file=*))";
    /**
     * The config folder's mark that what it applied is in force (its components run on it), once it has read the
     * metatypes of {@code %d} resolved bundles: those the launcher started.
     */
    static final String CONFIG_IN_FORCE = "(&(objectClass=nl.regie.runtime.spi.config.ConfigInForce)"
            + "(regie.config.bundles>=%d))";
    /** How long the ready line waits for the config folder's files to be in force. */
    static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(10);
    /** The operator's policy in the config folder: its keys decide which plugins are let in. */
    static final String POLICY_FILE = "nl.regie.runtime.policy.cfg";

    private final LauncherOptions options;
    private final ConsoleLog console;
    private final Instant startedAt;
    private final StartupTrace trace;
    private volatile EmbeddedFramework framework;
    private volatile MqttBroker broker;
    private StateFolderLock stateLock;
    private volatile CitySimulator simulator;
    private volatile String operatorLink;
    private Boolean stoppedCleanly;
    private boolean brokerListening;

    /** A launcher for these options that reports on {@code console}; start-up time counts from {@code startedAt}. */
    Launcher(LauncherOptions options, ConsoleLog console, Instant startedAt) {
        this(options, console, startedAt, StartupTrace.off());
    }

    /** A launcher that also records its phases in {@code trace} ({@code -Dregie.startup.trace=true}). */
    Launcher(LauncherOptions options, ConsoleLog console, Instant startedAt, StartupTrace trace) {
        this.options = options;
        this.console = console;
        this.startedAt = startedAt;
        this.trace = trace;
    }

    /** Starts everything and says how it went; throws when Regie cannot run. */
    StartupReport start() throws StartupException, InterruptedException {
        StateFolderLock lock = StateFolderLock.acquire(options.stateDir());
        synchronized (this) {
            if (stoppedCleanly != null) {
                lock.close();
                throw new StartupException("stopped during start-up");
            }
            stateLock = lock;
        }
        trace.phase("launcher: state folder locked");
        OperatorToken operator = null;
        if (options.runs(Part.WEB)) {
            HttpServer.ensureFree(options.httpHost(), options.httpPort());
            quietJetty();
            operator = OperatorToken.inStateDir(options.stateDir());
        }
        trace.phase("launcher: HTTP port checked, operator token read");
        // The embedded broker starts on a thread of its own and the framework meanwhile; the devices bundle, whose bridge
        // connects to the broker at once, starts only once the broker listens. Faster with a core to spare, slower on a
        // loaded 2-core machine (benchmarks/README.md, "Where the start goes"): -Dregie.startup.broker.beside=false
        // waits for the broker before the framework starts.
        MqttBroker mqtt = options.runs(Part.DEVICES) ? MqttBroker.begin(options, console) : MqttBroker.none();
        synchronized (this) {
            if (stoppedCleanly != null) {
                mqtt.close();
                throw new StartupException("stopped during start-up");
            }
            broker = mqtt;
        }
        trace.phase("launcher: MQTT broker starting");
        // The simulated city is built and connected meanwhile, on a thread of its own; it runs once the bridge listens.
        CompletableFuture<CitySimulator> city = options.runs(Part.DEVICES) && options.simulator() != null
                ? connectSimulator(mqtt) : null;
        if (!Boolean.parseBoolean(System.getProperty(BROKER_BESIDE, "true"))) {
            awaitBroker(mqtt);
        }
        // The framework's cache is made fresh at every start (and deleted at a clean stop); in the state folder, so that
        // a kill -9 leaves at most one behind, which the next start replaces.
        Path storage = options.stateDir().resolve(FRAMEWORK_CACHE);
        ShippedBundles shipped;
        try {
            shipped = ShippedBundles.in(options.stateDir());
        } catch (IOException e) {
            throw new StartupException("cannot prepare the framework: " + ConsoleLog.reason(e), e);
        }
        trace.phase("launcher: shipped bundles at hand");
        EmbeddedFramework embedded = new EmbeddedFramework(storage, console);
        synchronized (this) {
            if (stoppedCleanly != null) {
                embedded.stop(STOP_TIMEOUT);
                throw new StartupException("stopped during start-up");
            }
            framework = embedded;
        }
        // The shell reads stdin when asked to, or when there is a terminal to read; never under a service manager.
        boolean shellReadsStdin = options.shell() || System.console() != null;
        Map<String, String> properties = FrameworkProperties.of(options, storage, shellReadsStdin,
                mqtt.logins().map(BrokerLogins::bridge).orElse(null));
        properties.put(FrameworkProperties.RUNTIME_LOCATIONS, shipped.locationPrefix());
        BundleContext context = embedded.launch(properties);
        trace.attach(context);
        trace.phase("launcher: framework started");
        mqtt.offerDrops(context);
        List<String> notes = new ArrayList<>();
        if (options.runs(Part.CONFIG) && options.runs(Part.SOVEREIGNTY)
                && Files.isRegularFile(options.configDir().resolve(POLICY_FILE))) {
            embedded.awaitPolicyBeforePlugins();
        }
        Set<String> leftOut = new HashSet<>(Part.bundles(options.without()));
        leftOut.addAll(options.role().leftOut());
        embedded.awaitBefore(BRIDGE_BUNDLE, () -> awaitBroker(mqtt));
        embedded.startBundles(shipped.list(), leftOut)
                .forEach(failure -> notes.add("failed: " + failure));
        // Ready means the broker listens, also when no bundle waited for it.
        awaitBroker(mqtt);
        trace.phase("launcher: shipped bundles started");
        String url = options.runs(Part.WEB)
                ? HttpServer.awaitRunning(context, options.httpHost(), options.httpPort(), HTTP_TIMEOUT) : null;
        trace.phase("launcher: HTTP server listening");
        // The config folder applies its files on a thread of its own, ConfigAdmin hands them on on another, and a
        // component may start on its defaults first: ready means the components run on the folder's files.
        boolean configInForce = !options.runs(Part.CONFIG);
        if (!configInForce) {
            configInForce = embedded.awaitService(String.format(Locale.ROOT, CONFIG_IN_FORCE,
                    embedded.resolvedBundles()), CONFIG_TIMEOUT);
            if (configInForce) {
                trace.phase("launcher: the config folder's files in force");
            } else {
                notes.add("the files of the config folder were not all in force within " + CONFIG_TIMEOUT.toSeconds()
                        + " s (see the log); some parts run on their defaults until they are");
            }
        }
        if (url != null) {
            HttpServer.firstRequest(url);
            trace.phase("launcher: first HTTP request answered");
            if (configInForce && options.runs(Part.CONFIG)
                    && Files.isRegularFile(options.configDir().resolve(ACCESS_FILE))
                    && !embedded.awaitService(ACCESS_FROM_FILE, Duration.ZERO)) {
                notes.add("the HTTP tokens of " + ACCESS_FILE + " were not applied (see the log above); requests with"
                        + " them are refused until they are");
            }
        }

        if (operator != null) {
            operatorLink = operator.link(url);
            if (options.openLoopback()) {
                notes.add("HTTP on loopback is open: any process on this machine is the operator (--dev-open-loopback)");
            }
        }
        if (options.unsignedPlugins()) {
            notes.add("unsigned plugins are let in, acting for no party (--dev-unsigned-plugins)");
        }
        List<String> active = new ArrayList<>();
        if (options.runs(Part.LIFECYCLE)) {
            PluginsFolder folder = new PluginsFolder(options.pluginsDir(), console);
            notes.addAll(folder.report(context));
            for (Bundle bundle : folder.bundles(context)) {
                String plugin = ConsoleLog.name(bundle) + " " + bundle.getVersion();
                if (bundle.getState() == Bundle.ACTIVE || bundle.getState() == Bundle.STARTING) {
                    active.add(plugin);
                } else {
                    notes.add("not active: " + plugin + " is " + state(bundle) + " (see the log above)");
                }
            }
            active.sort(null);
            folder.watch(context);
            trace.phase("launcher: plugins folder checked");
        }

        if (!options.runs(Part.DEVICES)) {
            return report(url, "off", "simulator off", active, notes);
        }
        Optional<String> unreachable = mqtt.unreachable();
        unreachable.ifPresent(reason -> notes.add("the MQTT broker " + mqtt.url() + " is not reachable yet (" + reason
                + "); the runtime's bridge keeps trying"));
        if (unreachable.isEmpty() && !mqtt.awaitSubscriber(BRIDGE_TIMEOUT)) {
            notes.add("the runtime's MQTT bridge has not subscribed at the broker within " + BRIDGE_TIMEOUT.toSeconds()
                    + " s (see the log above)");
        }
        trace.phase("launcher: the runtime's MQTT bridge subscribed");
        String simulated = runSimulator(city, unreachable.isPresent(), notes);
        trace.phase("launcher: simulator started");
        return report(url, mqtt.describe(), simulated, active, notes);
    }

    /** Waits until the broker listens (at once when it already does), and says so in the trace the first time. */
    private void awaitBroker(MqttBroker mqtt) throws StartupException, InterruptedException {
        if (!brokerListening) {
            mqtt.awaitStarted();
            brokerListening = true;
            trace.phase("launcher: MQTT broker listening");
        }
    }

    private StartupReport report(String httpUrl, String mqtt, String simulated, List<String> active, List<String> notes) {
        return new StartupReport(Duration.between(startedAt, Instant.now()), options.site(),
                httpUrl == null ? "off" : httpUrl, mqtt, simulated, options.runs(Part.CONFIG) ? options.configDir() : null,
                options.runs(Part.LIFECYCLE) ? options.pluginsDir() : null, active, notes, options.tokensRequired(),
                options.without());
    }

    /**
     * Builds the simulated city and connects its devices to the broker once it listens, on a thread of its own
     * ({@value #SIMULATOR_THREAD}), while the framework starts: none of it needs the runtime, and none of its devices
     * says a word before {@link #runSimulator} (an external broker found unreachable is not connected to).
     */
    private CompletableFuture<CitySimulator> connectSimulator(MqttBroker mqtt) {
        CompletableFuture<CitySimulator> connected = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                CitySimulator city = new CitySimulator(options.simulator(), message -> console.warn(SIMULATOR, message, null));
                synchronized (this) {
                    if (stoppedCleanly != null) {
                        connected.completeExceptionally(new StartupException("stopped during start-up"));
                        return;
                    }
                    simulator = city;
                }
                mqtt.awaitStarted();
                if (mqtt.unreachable().isEmpty()) {
                    city.connect(mqtt.url(), options.site(), mqtt.logins()
                            .map(logins -> new BrokerLogin(logins.simulator().username(), logins.simulator().password()))
                            .orElse(null));
                }
                connected.complete(city);
            } catch (InterruptedException e) {
                connected.completeExceptionally(e);
                Thread.currentThread().interrupt();
            } catch (StartupException | RuntimeException | Error e) {
                connected.completeExceptionally(e);
            }
        }, SIMULATOR_THREAD);
        thread.setDaemon(true);
        thread.start();
        return connected;
    }

    /**
     * Runs the simulated city, once the runtime listens at the broker, unless it is off or could not connect.
     *
     * @return what the ready line says about it
     */
    private String runSimulator(CompletableFuture<CitySimulator> connecting, boolean unreachable, List<String> notes)
            throws StartupException, InterruptedException {
        if (connecting == null) {
            return "simulator off";
        }
        if (unreachable) {
            notes.add("simulator not started: the MQTT broker is not reachable");
            connecting.thenAccept(CitySimulator::close);
            return "simulator not started";
        }
        try {
            CitySimulator city = connecting.get();
            city.run();
            return city.summary();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StartupException stopped) {
                throw stopped;
            }
            console.error(SIMULATOR, "could not start", cause);
            notes.add("simulator not started: " + ConsoleLog.reason(cause));
        } catch (IllegalStateException e) {
            // Closed between its connection and now: Regie is stopping.
            throw new StartupException("stopped during start-up");
        }
        CitySimulator city = simulator;
        if (city != null) {
            city.close();
        }
        return "simulator not started";
    }

    /**
     * The link that opens the web page as the operator (the operator's token in its fragment), or empty when the web
     * part is left out. Known once {@link #start} has returned.
     */
    Optional<String> operatorLink() {
        return Optional.ofNullable(operatorLink);
    }

    /** Starts the Gogo shell, after the ready line, so that its prompt follows the start-up report. */
    void startShell() {
        EmbeddedFramework embedded = framework;
        if (embedded != null) {
            embedded.startDeferred();
        }
    }

    /** Blocks until the framework has stopped, whoever stopped it. */
    void awaitStop() throws InterruptedException {
        EmbeddedFramework embedded = framework;
        if (embedded != null) {
            embedded.awaitStop();
        }
    }

    /**
     * Stops the simulator and the framework, deletes the framework's cache, stops the
     * embedded broker last (so that the runtime's bridge disconnects from a running broker), and lets go of the state
     * folder; later calls wait for the first and return its result.
     *
     * @return whether everything stopped within {@link #STOP_TIMEOUT}
     */
    synchronized boolean stop() {
        if (stoppedCleanly == null) {
            CitySimulator city = simulator;
            if (city != null) {
                city.close();
            }
            EmbeddedFramework embedded = framework;
            stoppedCleanly = embedded == null || embedded.stop(STOP_TIMEOUT);
            MqttBroker mqtt = broker;
            if (mqtt != null) {
                mqtt.close();
            }
            if (stateLock != null) {
                stateLock.close();
            }
        }
        return stoppedCleanly;
    }

    /**
     * Jetty logs to stderr in its own format (Felix HTTP reports what matters to the Log Service): keep its
     * warnings only, unless the user set Jetty's logging up. Felix HTTP's own Jetty-to-Log-Service adapter is
     * not used: it fails on Jetty's "{}" placeholders, which breaks Jetty's start when it reports a bind error.
     */
    private static void quietJetty() {
        if (System.getProperty("org.eclipse.jetty.util.log.class") == null && System.getProperty("org.eclipse.jetty.LEVEL") == null) {
            System.setProperty("org.eclipse.jetty.util.log.class", "org.eclipse.jetty.util.log.StdErrLog");
            System.setProperty("org.eclipse.jetty.util.log.announce", "false");
            System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
            // A client's malformed request (a URI or header too large, a bad escape in the path) is answered with a 4xx;
            // it is no warning of the server's, and one line per request would let anyone flood the console.
            System.setProperty("org.eclipse.jetty.http.HttpParser.LEVEL", "OFF");
        }
    }

    private static String state(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.INSTALLED -> "INSTALLED, not resolved";
            case Bundle.RESOLVED -> "RESOLVED, not started";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "in state " + bundle.getState();
        };
    }
}
