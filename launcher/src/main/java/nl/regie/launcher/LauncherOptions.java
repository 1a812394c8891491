package nl.regie.launcher;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What the user asked for on the command line, merged over an optional {@code --config} properties file whose
 * keys are the flag names without the dashes ({@code http-port=8081}). Flags override the file.
 *
 * @param httpPort the HTTP port, 1 to 65535
 * @param httpHost the address the HTTP server binds to
 * @param pluginsDir the hot-deploy folder, absolute and normalised
 * @param site the site (city) name; it appears in MQTT topics, so it is letters, digits, '-' and '_' only
 * @param verbose whether errors on the console carry their stack traces
 * @param help whether the user asked for the usage text instead of a start
 */
record LauncherOptions(int httpPort, String httpHost, Path pluginsDir, String site, boolean verbose, boolean help) {

    static final int DEFAULT_HTTP_PORT = 8080;
    static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    static final String DEFAULT_PLUGINS = "plugins";
    static final String DEFAULT_SITE = "demo";

    private static final List<String> VALUE_KEYS = List.of("http-port", "http-host", "plugins", "site");
    private static final List<String> SWITCH_KEYS = List.of("verbose");
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
                Starts Regie: the OSGi framework, the runtime, the HTTP API and the hot-deploy plugins folder.

                Options:
                  --http-port N     HTTP port (default 8080)
                  --http-host ADDR  loopback address the HTTP server listens on (default 127.0.0.1); addresses
                                    beyond this machine are refused until the API has authentication
                  --plugins DIR     hot-deploy folder for plugin jars (default ./plugins; created if missing)
                  --site NAME       site (city) name: letters, digits, '-' and '_' (default demo)
                  --config FILE     read options from a properties file with the same keys, without the
                                    dashes (http-port=8081, plugins=/srv/regie/plugins, verbose=true);
                                    flags given on the command line override the file
                                    (relative paths, here and in the file, are taken from the working directory)
                  --verbose         print stack traces with errors (same as -Dregie.debug=true)
                  --help            print this text and exit

                Exit status: 0 after a clean stop (Ctrl-C, SIGTERM), 1 when start-up fails, 2 for a bad option.
                """;
    }

    /** Parses the command line, with relative paths taken from the working directory. */
    static LauncherOptions parse(String... args) throws UsageException {
        return parse(List.of(args), Path.of("").toAbsolutePath());
    }

    /** Parses the command line, with relative paths (the config file, the plugins folder) taken from {@code workingDir}. */
    static LauncherOptions parse(List<String> args, Path workingDir) throws UsageException {
        if (args.contains("--help") || args.contains("-h")) {
            return new LauncherOptions(DEFAULT_HTTP_PORT, DEFAULT_HTTP_HOST, workingDir.resolve(DEFAULT_PLUGINS).normalize(),
                    DEFAULT_SITE, false, true);
        }
        Map<String, String> flags = flags(args);
        Map<String, Setting> settings = new LinkedHashMap<>();
        String config = flags.remove("config");
        if (config != null) {
            Path file = workingDir.resolve(config).normalize();
            readConfig(file).forEach((key, value) -> settings.put(key, new Setting(value, key + " in " + file)));
        }
        flags.forEach((key, value) -> settings.put(key, new Setting(value, "--" + key)));

        return new LauncherOptions(
                port(settings.get("http-port")),
                loopbackHost(settings.get("http-host")),
                workingDir.resolve(nonBlank(settings.get("plugins"), DEFAULT_PLUGINS)).normalize(),
                site(settings.get("site")),
                bool(settings.get("verbose")),
                false);
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
            if (!VALUE_KEYS.contains(key) && !SWITCH_KEYS.contains(key)) {
                throw new UsageException("--config: unknown key '" + key + "' in " + file
                        + " (known keys: " + String.join(", ", VALUE_KEYS) + ", " + String.join(", ", SWITCH_KEYS) + ")");
            }
            values.put(key, properties.getProperty(key).strip());
        }
        return values;
    }

    private static int port(Setting setting) throws UsageException {
        if (setting == null) {
            return DEFAULT_HTTP_PORT;
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
     * The HTTP API has no authentication yet, so it may only listen on this machine: a host that is not a
     * loopback address is refused rather than exposing the API to the network.
     */
    private static String loopbackHost(Setting setting) throws UsageException {
        String host = nonBlank(setting, DEFAULT_HTTP_HOST);
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new UsageException(setting.origin() + ": '" + host + "' is not a known host or address");
        }
        if (!loopback) {
            throw new UsageException(setting.origin() + ": '" + host + "' is not a loopback address; the HTTP API has"
                    + " no authentication yet, so it listens on this machine only (127.0.0.1, ::1 or localhost)");
        }
        return host;
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
