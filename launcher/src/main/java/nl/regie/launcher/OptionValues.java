package nl.regie.launcher;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import nl.regie.launcher.LauncherOptions.UsageException;

/**
 * The launcher's options as typed values: each method takes a {@link Setting} (or {@code null} when the option is not
 * given) and returns its value, or throws a {@link UsageException} that names where the setting came from and
 * what is wrong with it.
 */
final class OptionValues {

    private static final Pattern SITE = Pattern.compile("[A-Za-z0-9_-]+");

    private OptionValues() {
    }

    static int port(Setting setting, int fallback) throws UsageException {
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
    static String broker(Setting setting) throws UsageException {
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

    /** A file that must exist and be readable, absolute, with a relative path taken from {@code workingDir}. */
    static Path readableFile(Setting setting, Path workingDir) throws UsageException {
        Path file = workingDir.resolve(nonBlank(setting, null)).normalize();
        if (!Files.exists(file)) {
            throw new UsageException(setting.origin() + ": " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UsageException(setting.origin() + ": " + file + " is not a readable file");
        }
        return file;
    }

    /**
     * The address HTTP listens on. Loopback is always allowed; any other address only when the configuration
     * folder's access file holds a token, since every request from beyond this machine must present one.
     */
    static String httpHost(Setting setting, String fallback, Path configDir) throws UsageException {
        String host = nonBlank(setting, fallback);
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

    /** The site name, which appears in MQTT topics: letters, digits, '-' and '_' only. */
    static String site(Setting setting, String fallback) throws UsageException {
        String site = nonBlank(setting, fallback);
        if (!SITE.matcher(site).matches()) {
            throw new UsageException(setting.origin() + ": '" + site + "' is not a valid site name (letters, digits, '-' and '_' only)");
        }
        return site;
    }

    /** The value without surrounding blanks, or {@code fallback} when not set; an empty value is refused. */
    static String nonBlank(Setting setting, String fallback) throws UsageException {
        if (setting == null) {
            return fallback;
        }
        if (setting.value().isBlank()) {
            throw new UsageException(setting.origin() + ": the value must not be empty");
        }
        return setting.value().strip();
    }

    /** {@code true} or {@code false}; {@code false} when not set. */
    static boolean bool(Setting setting) throws UsageException {
        if (setting == null) {
            return false;
        }
        return switch (setting.value()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException(setting.origin() + ": '" + setting.value() + "' is not true or false");
        };
    }

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([KMG]?)B?", Pattern.CASE_INSENSITIVE);

    /**
     * The log file's settings: {@code log-file} ({@code off} for none; default {@code <state dir>/logs/regie.log},
     * a relative path taken from {@code workingDir}), {@code log-size} (bytes, or with KB, MB or GB, 1024-based;
     * at least 1 KB) and {@code log-count} (files kept, the current one included, 1 to 1000). Null when off.
     */
    static LogFile.Settings logFile(Setting file, Setting size, Setting count, Path workingDir, Path stateDir)
            throws UsageException {
        String name = nonBlank(file, null);
        if ("off".equals(name)) {
            Setting pointless = size != null ? size : count;
            if (pointless != null) {
                throw new UsageException(pointless.origin() + ": has no use when " + file.origin() + " is off; drop one of them");
            }
            return null;
        }
        Path path = name == null ? stateDir.resolve("logs").resolve("regie.log") : workingDir.resolve(name).normalize();
        if (Files.isDirectory(path)) {
            throw new UsageException(file.origin() + ": " + path + " is a folder; name the log file in it, such as "
                    + path.resolve("regie.log"));
        }
        long maxBytes = LogFile.Settings.DEFAULT_MAX_BYTES;
        if (size != null) {
            var matcher = SIZE.matcher(size.value().strip());
            if (!matcher.matches()) {
                throw new UsageException(size.origin() + ": '" + size.value() + "' is not a size (such as 10MB, 512KB or 1048576)");
            }
            long unit = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 1024L;
                case "M" -> 1024L * 1024;
                case "G" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            long number = Long.parseLong(matcher.group(1));
            if (number > Long.MAX_VALUE / unit || number * unit < LogFile.Settings.MIN_MAX_BYTES) {
                throw new UsageException(size.origin() + ": '" + size.value() + "' is out of range (1KB to 8EB)");
            }
            maxBytes = number * unit;
        }
        int files = LogFile.Settings.DEFAULT_COUNT;
        if (count != null) {
            try {
                files = Integer.parseInt(count.value().strip());
            } catch (NumberFormatException e) {
                throw new UsageException(count.origin() + ": '" + count.value() + "' is not a whole number of files");
            }
            if (files < 1 || files > LogFile.Settings.MAX_COUNT) {
                throw new UsageException(count.origin() + ": " + files + " is out of range (1-" + LogFile.Settings.MAX_COUNT + ")");
            }
        }
        return new LogFile.Settings(path, maxBytes, files);
    }
}
