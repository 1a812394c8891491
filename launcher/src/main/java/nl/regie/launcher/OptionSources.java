package nl.regie.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import nl.regie.launcher.LauncherOptions.UsageException;

/**
 * Where the launcher's options come from: the command line ({@code --key value}, {@code --key=value}, or
 * {@code --key} alone for a switch) over an optional {@code --config} properties file with the same keys without
 * the dashes. The MQTT credentials and trust store are read from the file only, so that they never show in the
 * process list.
 */
final class OptionSources {

    static final List<String> VALUE_KEYS = List.of("http-port", "http-host", "plugins", "config-dir", "state-dir",
            "site", "mqtt-port", "broker", "simulator-devices", "simulator-speed", "simulator-start", "without",
            "log-file", "log-size", "log-count", "role");
    static final List<String> SWITCH_KEYS = List.of("no-simulator", "verbose", "shell", "dev-open-loopback",
            "dev-unsigned-plugins");
    /** Keys read from the config file only: a password on the command line shows in the process list. */
    static final List<String> FILE_KEYS = List.of("mqtt-username", "mqtt-password", "mqtt-truststore",
            "mqtt-truststore-password");

    private OptionSources() {
    }

    /**
     * Every option given, by key (without dashes), the command line's over the config file's; a relative
     * {@code --config} file is taken from {@code workingDir}.
     */
    static Map<String, Setting> read(List<String> args, Path workingDir) throws UsageException {
        Map<String, String> flags = flags(args);
        Map<String, Setting> settings = new LinkedHashMap<>();
        String config = flags.remove("config");
        if (config != null) {
            Path file = workingDir.resolve(config).normalize();
            readConfig(file).forEach((key, value) -> settings.put(key, new Setting(value, key + " in " + file)));
        }
        flags.forEach((key, value) -> settings.put(key, new Setting(value, "--" + key)));
        return settings;
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
}
