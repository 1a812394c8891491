package nl.regie.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the simulator's command line asks for ({@code --flag value} or {@code --flag=value}); the usage text,
 * {@code usage.txt} beside this class, says what each flag means. A password is never taken from the command line,
 * where the process list shows it: it comes from {@code --password-file} or the environment variable
 * {@value #PASSWORD_VARIABLE}, and only with {@code --username}.
 *
 * @param broker the broker's URL, {@code tcp://host:port} or {@code ssl://host:port}, always with a port
 * @param site the site (city) name in the topics
 * @param settings the simulated city's settings
 * @param login how to log in to the broker, or {@code null} to connect without
 * @param help whether the user asked for the usage text instead of a run
 */
record SimulatorOptions(String broker, String site, SimulatorSettings settings, BrokerLogin login, boolean help) {

    static final String DEFAULT_BROKER = "tcp://127.0.0.1:1883";
    static final String DEFAULT_SITE = "demo";
    /** The environment variable a password may come from. */
    static final String PASSWORD_VARIABLE = "REGIE_SIMULATOR_PASSWORD";

    private static final List<String> VALUE_FLAGS = List.of("broker", "site", "devices", "speed", "start", "username",
            "password-file");
    private static final Pattern SITE = Pattern.compile("[A-Za-z0-9_-]+");

    /** A command line the simulator cannot run with; the message names the flag and the problem. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The text {@code --help} prints, and that follows every usage error. */
    static String usage() {
        DecimalFormat number = new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
        SimulatorSettings defaults = SimulatorSettings.defaults();
        try (InputStream text = SimulatorOptions.class.getResourceAsStream("usage.txt")) {
            if (text == null) {
                throw new IllegalStateException("usage.txt is missing beside " + SimulatorOptions.class.getName());
            }
            return new String(text.readAllBytes(), StandardCharsets.UTF_8).formatted(SimulatorSettings.MAX_DEVICES,
                    defaults.devices(), number.format(SimulatorSettings.MAX_SPEED), number.format(defaults.speed()),
                    SimulatorSettings.CITY_ZONE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read usage.txt", e);
        }
    }

    /**
     * Parses the command line; the password may come from {@code environment} ({@value #PASSWORD_VARIABLE}), and a
     * relative password file is taken from {@code workingDir}.
     */
    static SimulatorOptions parse(List<String> args, Map<String, String> environment, Path workingDir)
            throws UsageException {
        if (args.contains("--help") || args.contains("-h")) {
            return new SimulatorOptions(DEFAULT_BROKER, DEFAULT_SITE, SimulatorSettings.defaults(), null, true);
        }
        Map<String, String> flags = flags(args);
        SimulatorSettings settings = SimulatorSettings.defaults();
        if (flags.containsKey("devices")) {
            int devices = whole("devices", flags.get("devices"));
            settings = checked("devices", () -> SimulatorSettings.defaults().withDevices(devices));
        }
        if (flags.containsKey("speed")) {
            double speed = number("speed", flags.get("speed"));
            SimulatorSettings base = settings;
            settings = checked("speed", () -> base.withSpeed(speed));
        }
        if (flags.containsKey("start")) {
            SimulatorSettings base = settings;
            settings = checked("start", () -> base.withClockStart(SimulatorSettings.parseStart(flags.get("start"))));
        }
        String broker = flags.containsKey("broker") ? BrokerUrls.check("--broker", flags.get("broker")) : DEFAULT_BROKER;
        String site = flags.getOrDefault("site", DEFAULT_SITE);
        if (!SITE.matcher(site).matches()) {
            throw new UsageException("--site: '" + site + "' is not a valid site name (letters, digits, '-' and '_' only)");
        }
        return new SimulatorOptions(broker, site, settings, login(flags, environment, workingDir), false);
    }

    /** Everything but the password, which never reaches a log line. */
    @Override
    public String toString() {
        return "SimulatorOptions[broker=" + broker + ", site=" + site + ", settings=" + settings + ", login=" + login
                + ", help=" + help + "]";
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
            String value;
            if (key.equals("password")) {
                throw new UsageException("--password is not taken on the command line, where the process list shows it;"
                        + " use --password-file FILE or the environment variable " + PASSWORD_VARIABLE);
            } else if (!VALUE_FLAGS.contains(key)) {
                throw new UsageException("unknown flag --" + key);
            } else if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                throw new UsageException("--" + key + " needs a value");
            }
            if (value.isBlank()) {
                throw new UsageException("--" + key + ": the value must not be empty");
            }
            if (flags.put(key, value.strip()) != null) {
                throw new UsageException("--" + key + " is given twice");
            }
        }
        return flags;
    }

    /** The login: {@code --username} with the password from {@code --password-file} or the environment, if any. */
    private static BrokerLogin login(Map<String, String> flags, Map<String, String> environment, Path workingDir)
            throws UsageException {
        String username = flags.get("username");
        String file = flags.get("password-file");
        String variable = environment.get(PASSWORD_VARIABLE);
        if (username == null) {
            if (file != null) {
                throw new UsageException("--password-file: a password needs a user name: give --username too");
            }
            if (variable != null) {
                throw new UsageException(PASSWORD_VARIABLE + " is set, but a password needs a user name: give"
                        + " --username too, or unset it");
            }
            return null;
        }
        if (file != null && variable != null) {
            throw new UsageException("--password-file and " + PASSWORD_VARIABLE + " both give a password; use one");
        }
        String password = file != null ? passwordFrom(workingDir.resolve(file).normalize()) : variable;
        if (password != null && password.isEmpty()) {
            throw new UsageException(PASSWORD_VARIABLE + " is empty; unset it to connect without a password");
        }
        return new BrokerLogin(username, password);
    }

    /** The first line of {@code file}, without its line end. */
    private static String passwordFrom(Path file) throws UsageException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("--password-file: " + file + " does not exist");
        } catch (IOException | RuntimeException e) {
            throw new UsageException("--password-file: cannot read " + file + ": " + Failures.reason(e));
        }
        String password = text.lines().findFirst().orElse("");
        if (password.isEmpty()) {
            throw new UsageException("--password-file: the first line of " + file + " is empty");
        }
        return password;
    }

    private static int whole(String flag, String value) throws UsageException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + flag + ": '" + value + "' is not a whole number");
        }
    }

    private static double number(String flag, String value) throws UsageException {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + flag + ": '" + value + "' is not a number");
        }
    }

    /** Settings a flag changes; the settings check the value, and their message goes after the flag's name. */
    private interface Change {
        SimulatorSettings apply();
    }

    private static SimulatorSettings checked(String flag, Change change) throws UsageException {
        try {
            return change.apply();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + flag + ": " + e.getMessage());
        }
    }
}
