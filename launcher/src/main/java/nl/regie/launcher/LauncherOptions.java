package nl.regie.launcher;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import nl.regie.launcher.broker.EmbeddedBroker;
import nl.regie.simulator.SimulatorSettings;

/**
 * What the user asked for on the command line, merged over an optional {@code --config} properties file whose
 * keys are the flag names without the dashes ({@code http-port=8081}). Flags override the file. The MQTT
 * credentials and trust store are read from the file only, so that they never show in the process list.
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
 */
record LauncherOptions(int httpPort, String httpHost, Path pluginsDir, Path configDir, Path stateDir, String site, int mqttPort,
        String broker, String mqttUsername, String mqttPassword, Path mqttTruststore, String mqttTruststorePassword,
        SimulatorSettings simulator, boolean verbose, boolean shell, boolean help) {

    static final int DEFAULT_HTTP_PORT = 8080;
    static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    static final String DEFAULT_PLUGINS = "plugins";
    static final String DEFAULT_CONFIG_DIR = "config";
    static final String DEFAULT_STATE_DIR = "state";
    static final String DEFAULT_SITE = "demo";
    static final int DEFAULT_MQTT_PORT = EmbeddedBroker.DEFAULT_PORT;
    /** Where the embedded broker listens: loopback only, since anyone who reaches it may connect. */
    static final String MQTT_HOST = EmbeddedBroker.DEFAULT_HOST;

    private static final List<String> VALUE_KEYS = List.of("http-port", "http-host", "plugins", "config-dir", "state-dir",
            "site", "mqtt-port", "broker", "simulator-devices", "simulator-speed", "simulator-start");
    private static final List<String> SWITCH_KEYS = List.of("no-simulator", "verbose", "shell");
    /** Keys read from the config file only: a password on the command line shows in the process list. */
    private static final List<String> FILE_KEYS = List.of("mqtt-username", "mqtt-password", "mqtt-truststore",
            "mqtt-truststore-password");
    private static final Pattern SITE = Pattern.compile("[A-Za-z0-9_-]+");

    /** A command line or config file the launcher cannot run with; the message names the flag and the problem. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The text {@code --help} prints, and that follows every usage error. */
    static String usage() {
        return """
                Usage: java -jar regie-launcher.jar [options]
                Starts Regie: the OSGi framework, the runtime, the HTTP API, the hot-deploy plugins folder, the
                Gogo shell, an embedded MQTT broker and a simulated city of devices.

                Options:
                  --http-port N     HTTP port (default 8080)
                  --http-host ADDR  address the HTTP server listens on (default 127.0.0.1). On loopback a request
                                    without a token is the local operator; any other address (0.0.0.0 for all)
                                    requires a bearer token on every request, so it is refused unless the
                                    config folder's nl.regie.runtime.access.cfg holds at least one token
                  --plugins DIR     hot-deploy folder for plugin jars (default ./plugins; created if missing). A jar
                                    dropped in is installed, a replaced one updated (health-gated, rolled back when
                                    the new version fails), a deleted one removed; after an update over HTTP or in the
                                    shell the folder holds the version that runs, so a restart starts what ran
                  --config-dir DIR  configuration folder, one file <pid>.cfg per plugin (and the runtime), such as
                                    nl.regie.waste.cfg with full.threshold = 0.75; checked against the plugin's
                                    declared settings and applied while running (default ./config; created if missing)
                  --state-dir DIR   what outlives a restart: each plugin's history of versions and outcomes and
                                    its recent jars, for rollback (default ./state; created if missing)
                  --site NAME       site (city) name: letters, digits, '-' and '_' (default demo)
                  --mqtt-port N     port of the embedded MQTT broker, on 127.0.0.1 (default 1883)
                  --broker URL      use this MQTT broker instead of the embedded one: tcp://host:port or
                                    ssl://host:port (user name, password and trust store: see the config file)
                  --no-simulator    do not start the simulated city
                  --simulator-devices N  how many simulated devices (default %d, at most %d)
                  --simulator-speed N    how much faster than real time the simulated city runs (default %s)
                  --simulator-start TIME the simulated time to start at (default now): an instant such as
                                         2026-12-15T16:50:00Z, or a local date-time such as 2026-12-15T17:50,
                                         taken in the city's zone (Europe/Amsterdam)
                  --config FILE     read options from a properties file with the same keys, without the
                                    dashes (http-port=8081, plugins=/srv/regie/plugins, no-simulator=true);
                                    flags given on the command line override the file. Only in the file:
                                    mqtt-username, mqtt-password, mqtt-truststore, mqtt-truststore-password
                                    (relative paths, here and in the file, are taken from the working directory)
                  --shell           let the Gogo shell read commands from stdin even when it is not a terminal
                                    (piped); in a terminal the shell is always there, and otherwise (a service
                                    manager, a script) stdin is never read. Commands: regie:list, regie:status NAME,
                                    regie:history NAME, regie:install JAR, regie:update [NAME] JAR,
                                    regie:rollback NAME, regie:remove NAME. Closing the shell (Ctrl-D) leaves Regie
                                    running; Ctrl-C stops it
                  --verbose         print stack traces with errors (same as -Dregie.debug=true)
                  --help            print this text and exit

                Exit status: 0 after a clean stop (Ctrl-C, SIGTERM), 1 when start-up fails, 2 for a bad option.
                """.formatted(SimulatorSettings.defaults().devices(), SimulatorSettings.MAX_DEVICES,
                new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT))
                        .format(SimulatorSettings.defaults().speed()));
    }

    /** Parses the command line, with relative paths taken from the working directory. */
    static LauncherOptions parse(String... args) throws UsageException {
        return parse(List.of(args), Path.of("").toAbsolutePath());
    }

    /**
     * Parses the command line, with relative paths (the config file, the plugins, configuration and state folders) taken
     * from {@code workingDir}.
     */
    static LauncherOptions parse(List<String> args, Path workingDir) throws UsageException {
        if (args.contains("--help") || args.contains("-h")) {
            return new LauncherOptions(DEFAULT_HTTP_PORT, DEFAULT_HTTP_HOST, workingDir.resolve(DEFAULT_PLUGINS).normalize(),
                    workingDir.resolve(DEFAULT_CONFIG_DIR).normalize(), workingDir.resolve(DEFAULT_STATE_DIR).normalize(),
                    DEFAULT_SITE, DEFAULT_MQTT_PORT, null, null, null, null, null, SimulatorSettings.defaults(), false, false, true);
        }
        Map<String, String> flags = flags(args);
        Map<String, Setting> settings = new LinkedHashMap<>();
        String config = flags.remove("config");
        if (config != null) {
            Path file = workingDir.resolve(config).normalize();
            readConfig(file).forEach((key, value) -> settings.put(key, new Setting(value, key + " in " + file)));
        }
        flags.forEach((key, value) -> settings.put(key, new Setting(value, "--" + key)));

        int httpPort = port(settings.get("http-port"), DEFAULT_HTTP_PORT);
        String broker = broker(settings.get("broker"));
        int mqttPort = port(settings.get("mqtt-port"), DEFAULT_MQTT_PORT);
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

        Path pluginsDir = workingDir.resolve(nonBlank(settings.get("plugins"), DEFAULT_PLUGINS)).normalize();
        Path stateDir = workingDir.resolve(nonBlank(settings.get("state-dir"), DEFAULT_STATE_DIR)).normalize();
        if (stateDir.startsWith(pluginsDir) || pluginsDir.startsWith(stateDir)) {
            Setting set = settings.containsKey("state-dir") ? settings.get("state-dir") : settings.get("plugins");
            throw new UsageException(set.origin() + ": the state folder " + stateDir + " and the plugins folder " + pluginsDir
                    + " must be apart (the state folder keeps earlier versions' jars, which must not be deployed); choose two"
                    + " folders, neither inside the other");
        }

        Path configDir = workingDir.resolve(nonBlank(settings.get("config-dir"), DEFAULT_CONFIG_DIR)).normalize();
        return new LauncherOptions(
                httpPort,
                httpHost(settings.get("http-host"), configDir),
                pluginsDir,
                configDir,
                stateDir,
                site(settings.get("site")),
                mqttPort,
                broker,
                username == null ? null : nonBlank(username, null),
                password == null ? null : nonBlank(password, null),
                truststore == null ? null : readableFile(truststore, workingDir),
                truststorePassword == null ? null : nonBlank(truststorePassword, null),
                simulator(settings),
                bool(settings.get("verbose")),
                bool(settings.get("shell")),
                false);
    }

    /** Whether the launcher runs its own broker (no {@code --broker}). */
    boolean embeddedBroker() {
        return broker == null;
    }

    /** The broker the runtime and the simulator connect to: the external one, or the embedded one on loopback. */
    String mqttUrl() {
        return broker != null ? broker : "tcp://" + MQTT_HOST + ":" + mqttPort;
    }

    /** Everything but the passwords, which never reach a log line. */
    @Override
    public String toString() {
        return "LauncherOptions[httpPort=" + httpPort + ", httpHost=" + httpHost + ", pluginsDir=" + pluginsDir
                + ", configDir=" + configDir + ", stateDir=" + stateDir + ", site=" + site + ", mqttPort=" + mqttPort + ", broker=" + broker + ", mqttUsername=" + mqttUsername
                + ", mqttPassword=" + (mqttPassword == null ? null : "***") + ", mqttTruststore=" + mqttTruststore
                + ", mqttTruststorePassword=" + (mqttTruststorePassword == null ? null : "***") + ", simulator="
                + simulator + ", verbose=" + verbose + ", shell=" + shell + ", help=" + help + "]";
    }

    /** One option's value and where it came from, for error messages: "--http-port" or "http-port in /etc/regie.properties". */
    private record Setting(String value, String origin) {
    }

    private static Map<String, String> flags(List<String> args) throws UsageException {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String key = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (SWITCH_KEYS.contains(key)) {
                flags.put(key, eq < 0 ? "true" : arg.substring(eq + 1));
            } else if (VALUE_KEYS.contains(key) || key.equals("config")) {
                if (eq >= 0) {
                    flags.put(key, arg.substring(eq + 1));
                } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    flags.put(key, args.get(++i));
                } else {
                    throw new UsageException("--" + key + " needs a value");
                }
            } else if (FILE_KEYS.contains(key)) {
                throw new UsageException("--" + key + " is read from the config file only (--config FILE), so that"
                        + " credentials never show in the process list");
            } else {
                throw new UsageException("unknown flag --" + key);
            }
        }
        return flags;
    }

    private static Map<String, String> readConfig(Path file) throws UsageException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new UsageException("--config: " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--config: cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (!VALUE_KEYS.contains(key) && !SWITCH_KEYS.contains(key) && !FILE_KEYS.contains(key)) {
                throw new UsageException("--config: unknown key '" + key + "' in " + file + " (known keys: "
                        + String.join(", ", VALUE_KEYS) + ", " + String.join(", ", SWITCH_KEYS) + ", "
                        + String.join(", ", FILE_KEYS) + ")");
            }
            values.put(key, properties.getProperty(key).strip());
        }
        return values;
    }

    private static int port(Setting setting, int fallback) throws UsageException {
        if (setting == null) {
            return fallback;
        }
        int port;
        try {
            port = Integer.parseInt(setting.value());
        } catch (NumberFormatException e) {
            throw new UsageException(setting.origin() + ": '" + setting.value() + "' is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new UsageException(setting.origin() + ": " + port + " is out of range (1-65535)");
        }
        return port;
    }

    /**
     * An external broker's URL, checked and with its port made explicit (Paho's defaults: 1883 for tcp, 8883 for
     * ssl), or {@code null} when none is set.
     */
    private static String broker(Setting setting) throws UsageException {
        if (setting == null) {
            return null;
        }
        String value = nonBlank(setting, null);
        String expected = " (expected tcp://host:port or ssl://host:port)";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new UsageException(setting.origin() + ": '" + value + "' is not a valid URL: " + e.getReason() + expected);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !uri.isAbsolute() || uri.isOpaque()) {
            throw new UsageException(setting.origin() + ": '" + value + "' is not a broker URL" + expected);
        }
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            throw new UsageException(setting.origin() + ": '" + value + "' uses " + scheme + "://, which the launcher does"
                    + " not support" + expected);
        }
        if (uri.getRawUserInfo() != null) {
            throw new UsageException(setting.origin() + ": '" + value.replace(uri.getRawUserInfo() + "@", "...@")
                    + "' has credentials in it; put them in the config file as mqtt-username and mqtt-password");
        }
        if (uri.getHost() == null) {
            throw new UsageException(setting.origin() + ": '" + value + "' has no valid host" + expected);
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UsageException(setting.origin() + ": '" + value + "' has a path, query or fragment; an MQTT broker"
                    + " URL has none" + expected);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("tcp") ? 1883 : 8883;
        if (port < 1 || port > 65535) {
            throw new UsageException(setting.origin() + ": '" + value + "' has port " + port + ", out of range (1-65535)");
        }
        return scheme + "://" + uri.getHost() + ":" + port;
    }

    private static Path readableFile(Setting setting, Path workingDir) throws UsageException {
        Path file = workingDir.resolve(nonBlank(setting, null)).normalize();
        if (!Files.exists(file)) {
            throw new UsageException(setting.origin() + ": " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UsageException(setting.origin() + ": " + file + " is not a readable file");
        }
        return file;
    }

    /** The simulator's settings, or {@code null} with {@code no-simulator}; the simulator checks the values. */
    private static SimulatorSettings simulator(Map<String, Setting> settings) throws UsageException {
        Setting devices = settings.get("simulator-devices");
        Setting speed = settings.get("simulator-speed");
        Setting start = settings.get("simulator-start");
        if (bool(settings.get("no-simulator"))) {
            Setting set = devices != null ? devices : speed != null ? speed : start;
            if (set != null) {
                throw new UsageException(set.origin() + ": the simulator is off (" + settings.get("no-simulator").origin() + ")");
            }
            return null;
        }
        SimulatorSettings simulator = SimulatorSettings.defaults();
        if (devices != null) {
            int n;
            try {
                n = Integer.parseInt(devices.value());
            } catch (NumberFormatException e) {
                throw new UsageException(devices.origin() + ": '" + devices.value() + "' is not a whole number");
            }
            simulator = checked(devices, simulator, s -> s.withDevices(n));
        }
        if (speed != null) {
            double factor;
            try {
                factor = Double.parseDouble(speed.value());
            } catch (NumberFormatException e) {
                throw new UsageException(speed.origin() + ": '" + speed.value() + "' is not a number");
            }
            simulator = checked(speed, simulator, s -> s.withSpeed(factor));
        }
        if (start != null) {
            simulator = simulator.withClockStart(instant(start));
        }
        return simulator;
    }

    /**
     * A point in time: an instant ({@code 2026-12-15T16:50:00Z}), a date-time with an offset
     * ({@code 2026-12-15T17:50+01:00}), or a local date-time ({@code 2026-12-15T17:50}) in the simulated city's zone.
     */
    private static Instant instant(Setting setting) throws UsageException {
        String value = nonBlank(setting, null);
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset or Z: perhaps local
        }
        try {
            return LocalDateTime.parse(value, DateTimeFormatter.ISO_LOCAL_DATE_TIME).atZone(SimulatorSettings.CITY_ZONE)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw new UsageException(setting.origin() + ": '" + value + "' is not a time (expected an instant such as"
                    + " 2026-12-15T16:50:00Z, or a local date-time such as 2026-12-15T17:50 in "
                    + SimulatorSettings.CITY_ZONE + ")");
        }
    }

    private static SimulatorSettings checked(Setting setting, SimulatorSettings settings, UnaryOperator<SimulatorSettings> change)
            throws UsageException {
        try {
            return change.apply(settings);
        } catch (IllegalArgumentException e) {
            throw new UsageException(setting.origin() + ": " + e.getMessage());
        }
    }

    /**
     * The address HTTP listens on. Loopback is always allowed; any other address only when the configuration
     * folder's access file holds a token, since every request from beyond this machine must present one.
     */
    private static String httpHost(Setting setting, Path configDir) throws UsageException {
        String host = nonBlank(setting, DEFAULT_HTTP_HOST);
        if (loopback(setting, host)) {
            return host;
        }
        int tokens;
        try {
            tokens = AccessFile.tokens(configDir);
        } catch (IllegalArgumentException e) {
            throw new UsageException(setting.origin() + ": '" + host + "' is not a loopback address, so every HTTP"
                    + " request needs a bearer token, but " + e.getMessage());
        }
        if (tokens == 0) {
            throw new UsageException(setting.origin() + ": '" + host + "' is not a loopback address, so every HTTP"
                    + " request needs a bearer token, and " + configDir.resolve(AccessFile.NAME) + " holds none; add"
                    + " one (tokens = <name> <party> <scope>;... sha256:<hex>, see the README) or listen on 127.0.0.1");
        }
        return host;
    }

    /** Whether the host is a loopback address. */
    private static boolean loopback(Setting setting, String host) throws UsageException {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new UsageException((setting == null ? "--http-host" : setting.origin()) + ": '" + host
                    + "' is not a known host or address");
        }
    }

    /** Whether HTTP listens beyond this machine, so that every request needs a bearer token. */
    boolean tokensRequired() {
        try {
            return !InetAddress.getByName(httpHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static String site(Setting setting) throws UsageException {
        String site = nonBlank(setting, DEFAULT_SITE);
        if (!SITE.matcher(site).matches()) {
            throw new UsageException(setting.origin() + ": '" + site + "' is not a valid site name (letters, digits, '-' and '_' only)");
        }
        return site;
    }

    private static String nonBlank(Setting setting, String fallback) throws UsageException {
        if (setting == null) {
            return fallback;
        }
        if (setting.value().isBlank()) {
            throw new UsageException(setting.origin() + ": the value must not be empty");
        }
        return setting.value().strip();
    }

    private static boolean bool(Setting setting) throws UsageException {
        if (setting == null) {
            return false;
        }
        return switch (setting.value()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException(setting.origin() + ": '" + setting.value() + "' is not true or false");
        };
    }
}
