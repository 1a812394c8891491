package nl.regie.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import nl.regie.launcher.broker.EmbeddedBroker;
import nl.regie.simulator.SimulatorSettings;

/**
 * What the user asked for on the command line, merged over an optional {@code --config} properties file whose
 * keys are the flag names without the dashes ({@code http-port=8081}). Flags override the file. The MQTT
 * credentials and trust store are read from the file only, so that they never show in the process list.
 *
 * <p>{@link OptionSources} reads the command line and the file, {@link OptionValues} and {@link SimulatorFlags}
 * turn each option into its value; this record checks the options against each other. The usage text is
 * {@code usage.txt} beside this class.
 *
 * @param httpPort the HTTP port, 1 to 65535
 * @param httpHost the address the HTTP server binds to: loopback, or another address when the configuration folder
 *     holds an HTTP access token (then every request needs a bearer token)
 * @param pluginsDir the hot-deploy folder, absolute and normalised
 * @param configDir the configuration folder ({@code <pid>.cfg} files), absolute and normalised
 * @param stateDir where the runtime keeps what outlives a restart (each plugin's history and recent jars), absolute
 *     and normalised
 * @param site the site (city) name; it appears in MQTT topics, so it is letters, digits, '-' and '_' only
 * @param mqttPort the embedded MQTT broker's port on 127.0.0.1, 1 to 65535 (unused with an external broker)
 * @param broker an external broker's URL, {@code tcp://host:port} or {@code ssl://host:port} (always with a port);
 *     {@code null} for the embedded broker
 * @param mqttUsername the user name for the external broker, or {@code null}
 * @param mqttPassword the password for the external broker, or {@code null}
 * @param mqttTruststore a trust store (PKCS12 or JKS) with the CA of an {@code ssl://} broker, absolute; or
 *     {@code null} for the JVM's default trust
 * @param mqttTruststorePassword its password, or {@code null}
 * @param simulator the simulated city's settings, or {@code null} when the simulator is off
 * @param verbose whether errors on the console carry their stack traces
 * @param shell whether the Gogo shell reads the console even when the JVM has none (stdin piped); with a console it
 *     always does
 * @param help whether the user asked for the usage text instead of a start
 * @param without the parts of the runtime left out ({@code --without}); empty for all of it
 * @param openLoopback whether a request on loopback without a token is the operator ({@code --dev-open-loopback}, for
 *     a developer's machine; never by default)
 * @param unsignedPlugins whether plugin jars without a signature are let in, acting for no party
 *     ({@code --dev-unsigned-plugins}, for a developer's machine; never by default)
 * @param logFile where the console's lines are also written, rotated by size; {@code null} for none
 *     ({@code --log-file off})
 * @param role what this runtime does for its site ({@code --role}): all of it, or the core or an edge of a site whose
 *     ingest is split (both need {@code --broker}; an edge leaves out every part but the device bridge)
 */
record LauncherOptions(int httpPort, String httpHost, Path pluginsDir, Path configDir, Path stateDir, String site, int mqttPort,
        String broker, String mqttUsername, String mqttPassword, Path mqttTruststore, String mqttTruststorePassword,
        SimulatorSettings simulator, boolean verbose, boolean shell, boolean help, Set<Part> without,
        boolean openLoopback, boolean unsignedPlugins, LogFile.Settings logFile, Role role) {

    /** Copies the set of parts left out. */
    LauncherOptions {
        without = without.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(without));
    }

    static final int DEFAULT_HTTP_PORT = 8080;
    static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    static final String DEFAULT_PLUGINS = "plugins";
    static final String DEFAULT_CONFIG_DIR = "config";
    static final String DEFAULT_STATE_DIR = "state";
    static final String DEFAULT_SITE = "demo";
    static final int DEFAULT_MQTT_PORT = EmbeddedBroker.DEFAULT_PORT;
    /** Where the embedded broker listens: loopback only, since anyone who reaches it may connect. */
    static final String MQTT_HOST = EmbeddedBroker.DEFAULT_HOST;

    /** A command line or config file the launcher cannot run with; the message names the flag and the problem. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The text {@code --help} prints, and that follows every usage error: {@code usage.txt}, with the simulator's figures. */
    static String usage() {
        String text;
        try (InputStream in = LauncherOptions.class.getResourceAsStream("usage.txt")) {
            if (in == null) {
                throw new IllegalStateException("usage.txt is missing beside " + LauncherOptions.class.getName());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read usage.txt", e);
        }
        return text.formatted(SimulatorSettings.defaults().devices(), SimulatorSettings.MAX_DEVICES,
                new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT))
                        .format(SimulatorSettings.defaults().speed()));
    }

    /**
     * The system property the start script sets to the distribution's folder: the default plugins, configuration and
     * state folders are taken from there instead of the working directory.
     */
    static final String HOME_PROPERTY = "regie.home";

    /**
     * Parses the command line, with relative paths taken from the working directory, and the default folders from
     * {@value #HOME_PROPERTY} when it is set.
     */
    static LauncherOptions parse(String... args) throws UsageException {
        Path workingDir = Path.of("").toAbsolutePath();
        String home = System.getProperty(HOME_PROPERTY);
        return parse(List.of(args), workingDir, home == null || home.isBlank() ? workingDir : workingDir.resolve(home).normalize());
    }

    /**
     * Parses the command line, with relative paths (the config file, the plugins, configuration and state folders) taken
     * from {@code workingDir}.
     */
    static LauncherOptions parse(List<String> args, Path workingDir) throws UsageException {
        return parse(args, workingDir, workingDir);
    }

    /**
     * Parses the command line, with relative paths given as options taken from {@code workingDir} and the default
     * plugins, configuration and state folders from {@code homeDir}.
     */
    static LauncherOptions parse(List<String> args, Path workingDir, Path homeDir) throws UsageException {
        if (args.contains("--help") || args.contains("-h")) {
            return new LauncherOptions(DEFAULT_HTTP_PORT, DEFAULT_HTTP_HOST, homeDir.resolve(DEFAULT_PLUGINS).normalize(),
                    homeDir.resolve(DEFAULT_CONFIG_DIR).normalize(), homeDir.resolve(DEFAULT_STATE_DIR).normalize(),
                    DEFAULT_SITE, DEFAULT_MQTT_PORT, null, null, null, null, null, SimulatorSettings.defaults(), false, false, true,
                    Set.of(), false, false, null, Role.ALL);
        }
        Map<String, Setting> settings = OptionSources.read(args, workingDir);
        Set<Part> without = Part.parse(settings.get("without"));
        checkNothingSetFor(without, settings);
        Role role = Role.parse(settings.get("role"));
        if (role != Role.ALL && settings.get("broker") == null) {
            throw new UsageException(settings.get("role").origin() + ": the " + role.property() + " of a site meets its"
                    + " edges or core at an external broker; set --broker (docs/scaling.md)");
        }
        if (role == Role.EDGE) {
            without = EnumSet.copyOf(without);
            without.addAll(Role.EDGE_WITHOUT);
        }

        int httpPort = OptionValues.port(settings.get("http-port"), DEFAULT_HTTP_PORT);
        String broker = OptionValues.broker(settings.get("broker"));
        int mqttPort = OptionValues.port(settings.get("mqtt-port"), DEFAULT_MQTT_PORT);
        if (broker != null && settings.containsKey("mqtt-port")) {
            throw new UsageException(settings.get("mqtt-port").origin() + ": sets the embedded broker's port, but "
                    + settings.get("broker").origin() + " names an external broker, so none is embedded; drop one of them");
        }
        if (broker == null && mqttPort == httpPort) {
            String origin = settings.containsKey("mqtt-port") ? settings.get("mqtt-port").origin() : settings.get("http-port").origin();
            throw new UsageException(origin + ": " + mqttPort + " would be both the HTTP port and the embedded MQTT broker's"
                    + " port; choose two ports");
        }
        Setting username = settings.get("mqtt-username");
        Setting password = settings.get("mqtt-password");
        Setting truststore = settings.get("mqtt-truststore");
        Setting truststorePassword = settings.get("mqtt-truststore-password");
        for (Setting external : Stream.of(username, password, truststore, truststorePassword).filter(s -> s != null).toList()) {
            if (broker == null) {
                throw new UsageException(external.origin() + ": only used with an external broker (broker=tcp://... or"
                        + " ssl://...); the embedded broker takes no credentials and no TLS");
            }
        }
        if (password != null && username == null) {
            throw new UsageException(password.origin() + ": a password needs a user name: set mqtt-username too");
        }
        if (truststore != null && !broker.startsWith("ssl:")) {
            throw new UsageException(truststore.origin() + ": a trust store is only used with an ssl:// broker, not " + broker);
        }
        if (truststorePassword != null && truststore == null) {
            throw new UsageException(truststorePassword.origin() + ": set mqtt-truststore too");
        }

        Path pluginsDir = folder(settings.get("plugins"), DEFAULT_PLUGINS, workingDir, homeDir);
        Path stateDir = folder(settings.get("state-dir"), DEFAULT_STATE_DIR, workingDir, homeDir);
        if (stateDir.startsWith(pluginsDir) || pluginsDir.startsWith(stateDir)) {
            Setting set = settings.containsKey("state-dir") ? settings.get("state-dir") : settings.get("plugins");
            throw new UsageException(set.origin() + ": the state folder " + stateDir + " and the plugins folder " + pluginsDir
                    + " must be apart (the state folder keeps earlier versions' jars, which must not be deployed); choose two"
                    + " folders, neither inside the other");
        }

        Path configDir = folder(settings.get("config-dir"), DEFAULT_CONFIG_DIR, workingDir, homeDir);
        return new LauncherOptions(
                httpPort,
                OptionValues.httpHost(settings.get("http-host"), DEFAULT_HTTP_HOST, configDir),
                pluginsDir,
                configDir,
                stateDir,
                OptionValues.site(settings.get("site"), DEFAULT_SITE),
                mqttPort,
                broker,
                username == null ? null : OptionValues.nonBlank(username, null),
                password == null ? null : OptionValues.nonBlank(password, null),
                truststore == null ? null : OptionValues.readableFile(truststore, workingDir),
                truststorePassword == null ? null : OptionValues.nonBlank(truststorePassword, null),
                without.contains(Part.DEVICES) || role == Role.EDGE ? null : SimulatorFlags.simulator(settings),
                OptionValues.bool(settings.get("verbose")),
                OptionValues.bool(settings.get("shell")),
                false,
                without,
                OptionValues.bool(settings.get("dev-open-loopback")),
                OptionValues.bool(settings.get("dev-unsigned-plugins")),
                OptionValues.logFile(settings.get("log-file"), settings.get("log-size"), settings.get("log-count"), workingDir,
                        stateDir),
                role);
    }

    /** A folder option: given, from the working directory; not given, {@code fallback} in the home folder. */
    private static Path folder(Setting setting, String fallback, Path workingDir, Path homeDir) throws UsageException {
        return setting == null ? homeDir.resolve(fallback).normalize()
                : workingDir.resolve(OptionValues.nonBlank(setting, null)).normalize();
    }

    /** The options each part's absence makes meaningless: setting one of them is a mistake worth naming. */
    private static final Map<Part, List<String>> OPTIONS_OF = Map.of(
            Part.WEB, List.of("http-port", "http-host", "dev-open-loopback"),
            Part.DEVICES, List.of("mqtt-port", "broker", "mqtt-username", "mqtt-password", "mqtt-truststore",
                    "mqtt-truststore-password", "simulator-devices", "simulator-speed", "simulator-start"),
            Part.LIFECYCLE, List.of("plugins", "dev-unsigned-plugins"),
            Part.CONFIG, List.of("config-dir"));

    private static void checkNothingSetFor(Set<Part> without, Map<String, Setting> settings) throws UsageException {
        for (Part part : without) {
            for (String key : OPTIONS_OF.getOrDefault(part, List.of())) {
                Setting set = settings.get(key);
                if (set != null) {
                    throw new UsageException(set.origin() + ": has no use when " + settings.get("without").origin()
                            + " leaves out " + part.flagName() + "; drop one of them");
                }
            }
        }
    }

    /** Whether a part of the runtime runs (was not left out with {@code --without}). */
    boolean runs(Part part) {
        return !without.contains(part);
    }

    /** Whether the launcher runs its own broker (no {@code --broker}, and the device bridge is not left out). */
    boolean embeddedBroker() {
        return broker == null && runs(Part.DEVICES);
    }

    /** The broker the runtime and the simulator connect to: the external one, or the embedded one on loopback. */
    String mqttUrl() {
        return broker != null ? broker : "tcp://" + MQTT_HOST + ":" + mqttPort;
    }

    /** Whether HTTP listens beyond this machine, so that every request needs a bearer token. */
    boolean tokensRequired() {
        try {
            return !InetAddress.getByName(httpHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /** Everything but the passwords, which never reach a log line. */
    @Override
    public String toString() {
        return "LauncherOptions[httpPort=" + httpPort + ", httpHost=" + httpHost + ", pluginsDir=" + pluginsDir
                + ", configDir=" + configDir + ", stateDir=" + stateDir + ", site=" + site + ", mqttPort=" + mqttPort + ", broker=" + broker + ", mqttUsername=" + mqttUsername
                + ", mqttPassword=" + (mqttPassword == null ? null : "***") + ", mqttTruststore=" + mqttTruststore
                + ", mqttTruststorePassword=" + (mqttTruststorePassword == null ? null : "***") + ", simulator="
                + simulator + ", verbose=" + verbose + ", shell=" + shell + ", help=" + help + ", without=" + without + ", openLoopback=" + openLoopback
                + ", unsignedPlugins=" + unsignedPlugins + ", logFile=" + logFile + ", role=" + role + "]";
    }
}
