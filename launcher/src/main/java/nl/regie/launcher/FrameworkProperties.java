package nl.regie.launcher;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import nl.regie.launcher.broker.BrokerLogins;
import nl.regie.simulator.SimulatorSettings;

import org.osgi.framework.Constants;

/**
 * The framework properties the launcher starts Felix with: where it keeps its cache, what the system bundle
 * exports, and the settings the shipped bundles read from the framework (HTTP, FileInstall, the Gogo shell, logging,
 * site, MQTT, the configuration, plugins and state folders).
 */
final class FrameworkProperties {

    /** The framework property that tells the runtime which site (city) it serves. */
    static final String SITE = "regie.site";
    /** The configuration folder the runtime watches for {@code <pid>.cfg} files. */
    static final String CONFIG_DIR = "regie.config.dir";
    /** The plugins folder, whose jars the runtime routes through its plugin lifecycle (FileInstall watches it). */
    static final String PLUGINS_DIR = "regie.plugins.dir";
    /** Where the runtime keeps each plugin's history and recent jars across restarts. */
    static final String STATE_DIR = "regie.state.dir";
    /**
     * The location prefixes of the runtime's own bundles (runtime.spi's {@code RuntimeBundles}): the launcher sets the
     * folder it installs its shipped bundles from by reference.
     */
    static final String RUNTIME_LOCATIONS = "regie.runtime.locations";
    /** The Gogo shell's arguments. */
    static final String GOSH_ARGS = "gosh.args";
    /** The broker the runtime's MQTT bridge connects to: {@code tcp://127.0.0.1:1883} for the embedded one. */
    static final String MQTT_URL = "regie.mqtt.url";
    static final String OPERATOR_TOKEN_FILE = "regie.http.operator.token.file";
    static final String OPEN_LOOPBACK = "regie.http.loopback.open";
    /** Lets plugin jars without a signature in, acting for no party (the lifecycle's development switch). */
    static final String UNSIGNED_PLUGINS = "regie.plugins.unsigned";
    /** {@code edge} or {@code core} when the site's device ingest is split over runtimes; absent for one runtime. */
    static final String ROLE = "regie.role";
    /** The external broker's user name, password, and trust store (file and password): set only when given. */
    static final String MQTT_USERNAME = "regie.mqtt.username";
    static final String MQTT_PASSWORD = "regie.mqtt.password";
    static final String MQTT_TRUSTSTORE = "regie.mqtt.truststore";
    static final String MQTT_TRUSTSTORE_PASSWORD = "regie.mqtt.truststore.password";
    /** {@code off} while the simulated city runs on a clock ahead of the wall clock: see {@link #simulatedClockRunsAhead}. */
    static final String MQTT_FUTURE_CHECK = "regie.mqtt.future.check";

    /** The log API, exported by the system bundle from the launcher's class path (see {@link ConsoleLog}). */
    static final String LOG_API_PACKAGES = "org.osgi.service.log;version=1.5.0,org.osgi.service.log.admin;version=1.0.0";

    /** How often FileInstall looks at the plugins folder, in milliseconds. */
    static final long PLUGINS_POLL_MILLIS = 500;

    private FrameworkProperties() {
    }

    /** The properties for these options, with the framework cache in {@code storage}; the shell reads stdin with {@code --shell}. */
    static Map<String, String> of(LauncherOptions options, Path storage) {
        return of(options, storage, options.shell(), null);
    }

    /**
     * The properties for these options, with the framework cache in {@code storage}.
     *
     * @param shellReadsStdin whether the Gogo shell reads commands from stdin: with {@code --shell}, or when the JVM
     *                        has a console. Otherwise it never touches stdin, so that a launcher under a service
     *                        manager or a test is not stopped or blocked by it.
     * @param bridge          the runtime bridge's login at the embedded broker, or null with an external one (whose
     *                        login, if any, comes from the options)
     */
    static Map<String, String> of(LauncherOptions options, Path storage, boolean shellReadsStdin, BrokerLogins.Login bridge) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, LOG_API_PACKAGES);
        p.put(SITE, options.site());
        // The runtime's configuration folder: <pid>.cfg files, checked against the metatype and applied to ConfigAdmin.
        // FileInstall could read .cfg files too, but it applies them unchecked; it watches the plugins folder only.
        p.put(CONFIG_DIR, options.configDir().toString());
        // The plugin lifecycle: the folder it takes jars from (and writes the running version's jar back to), and its state.
        p.put(PLUGINS_DIR, options.pluginsDir().toString());
        p.put(STATE_DIR, options.stateDir().toString());
        // Gogo: closing the console (Ctrl-D, or the end of piped input) ends the shell, not Regie.
        p.put(GOSH_ARGS, shellReadsStdin ? "--noshutdown" : "--nointeractive");

        // The runtime's MQTT bridge: where the broker is and how to log in (the embedded broker's login made for this
        // start, or the external broker's from the configuration file).
        p.put(MQTT_URL, options.mqttUrl());
        // A site whose ingest is split: this runtime is its core or one of its edges (docs/scaling.md).
        putIfSet(p, ROLE, options.role().property());
        putIfSet(p, MQTT_USERNAME, bridge != null ? bridge.username() : options.mqttUsername());
        putIfSet(p, MQTT_PASSWORD, bridge != null ? bridge.password() : options.mqttPassword());
        putIfSet(p, MQTT_TRUSTSTORE, options.mqttTruststore() == null ? null : options.mqttTruststore().toString());
        putIfSet(p, MQTT_TRUSTSTORE_PASSWORD, options.mqttTruststorePassword());
        // The bridge refuses readings dated more than a few minutes ahead of the wall clock; the simulated city dates
        // its readings by its own clock, which runs ahead whenever it runs faster than the wall clock or starts in the
        // future. While it runs, the check is off (the bridge's start-up line says so); without it, it stays on.
        if (options.simulator() != null && simulatedClockRunsAhead(options.simulator(), Instant.now())) {
            p.put(MQTT_FUTURE_CHECK, "off");
        }

        // Felix HTTP (Jetty): plain HTTP only, on the address and port asked for.
        p.put("org.apache.felix.http.enable", "true");
        p.put("org.apache.felix.https.enable", "false");
        p.put("org.osgi.service.http.port", Integer.toString(options.httpPort()));
        p.put("org.apache.felix.http.host", options.httpHost());
        // Who may call: the operator's token (a file in the state folder), and on a developer's machine only,
        // token-less requests on loopback.
        p.put(OPERATOR_TOKEN_FILE, options.stateDir().resolve(OperatorToken.FILE_NAME).toString());
        if (options.openLoopback()) {
            p.put(OPEN_LOOPBACK, "true");
        }
        // Plugins must be signed by a key the policy lists; on a developer's machine only, unsigned ones may come in.
        if (options.unsignedPlugins()) {
            p.put(UNSIGNED_PLUGINS, "true");
        }

        // FileInstall: the plugins folder, jars only, and not its subfolders. It hands each jar to the runtime's
        // installer (nl.regie.runtime.lifecycle.folder), which installs, updates and removes plugins through the lifecycle.
        // Its initial scan runs within its start (noInitialDelay), so the plugins already there are handled by then.
        p.put("felix.fileinstall.dir", options.pluginsDir().toString());
        p.put("felix.fileinstall.filter", ".*\\.jar");
        p.put("felix.fileinstall.subdir.mode", "skip");
        p.put("felix.fileinstall.poll", Long.toString(PLUGINS_POLL_MILLIS));
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.bundles.new.start", "true");
        p.put("felix.fileinstall.bundles.startTransient", "false");
        p.put("felix.fileinstall.tmpdir", storage.resolve("fileinstall").toString());
        p.put("felix.fileinstall.log.level", "2"); // warnings: failed installs, starts and updates

        // Logging: bundles log INFO and up (the console shows INFO from Regie's bundles only); SCR reports
        // component failures as errors and warnings; Felix itself reports errors.
        p.put("org.osgi.service.log.admin.loglevel", "INFO");
        p.put("ds.loglevel", "warn");
        p.put("felix.log.level", "1");
        return p;
    }

    /** Whether the simulated clock can get ahead of the wall clock: it runs faster, or starts in the future. */
    static boolean simulatedClockRunsAhead(SimulatorSettings simulator, Instant now) {
        return simulator.speed() > 1 || (simulator.clockStart() != null && simulator.clockStart().isAfter(now));
    }

    private static void putIfSet(Map<String, String> properties, String key, String value) {
        if (value != null) {
            properties.put(key, value);
        }
    }
}
