package nl.regie.mqtt.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may publish and receive what on a Regie site's device topics, {@code regie/v1/{site}/dev/{d}/...}: the one
 * statement of the rules, which {@link #mosquittoAcl()} writes as a Mosquitto 2 ACL file and which the launcher's
 * embedded broker applies through {@link #publish} and {@link #subscribe}.
 * <ul>
 * <li>Every user {@code d} (a device's user name is its device id) may publish its telemetry
 * ({@code .../dev/d/tele}), its birth and will ({@code .../dev/d/state}) and its acknowledgements
 * ({@code .../dev/d/ack/{commandId}}), and receive its own commands ({@code .../dev/d/cmd/...}). Nothing else: not
 * another device's topics, not another device's commands, not its own telemetry.</li>
 * <li>The runtime's device bridge ({@value #BRIDGE_USER} unless named otherwise) receives every device's telemetry,
 * state and acknowledgements, and publishes commands to every device.</li>
 * <li>The simulated city ({@value #SIMULATOR_USER}) speaks for every device of the site: it publishes telemetry, state
 * and acknowledgements for any device and receives any device's commands. Its connections are shared by many
 * simulated devices, so it cannot be held to one; give it a password only where no real device shares its site.</li>
 * </ul>
 * The rules are Mosquitto's own kind: lines for every user ({@code pattern}, with {@code %u} the user name) and lines
 * for one user ({@code user} then {@code topic}), each granting {@code read} or {@code write} on a topic filter, and
 * nothing without a line. They are applied as Mosquitto 2.0 applies them: a publish needs a {@code write} line whose
 * filter matches its topic (so a will is checked the same way, at connect); a user name or client id with {@code +} or
 * {@code #} in it gets nothing from the {@code pattern} lines. Mosquitto 2.0 takes every subscription and checks
 * {@code read} as it delivers each message; the embedded broker instead refuses a subscription whose filter could
 * match a topic the user may not read. What a client receives is the same.
 *
 * <p>Device ids that may have credentials: see {@link #deviceIdProblem}.
 */
public final class AccessRules {

    /** The user name of the runtime's device bridge, unless it is given another. */
    public static final String BRIDGE_USER = "regie-bridge";
    /** The user name of the simulated city. */
    public static final String SIMULATOR_USER = "regie-simulator";
    /** User names and client ids that begin with these are Regie's own clients', never a device's. */
    public static final List<String> RESERVED_PREFIXES = List.of("regie-", "sim-");

    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern SITE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** What a line grants. */
    enum Access {
        READ("read"), WRITE("write");

        final String word;

        Access(String word) {
            this.word = word;
        }
    }

    /**
     * One line of the rules.
     *
     * @param user   the one user it is for, or null for every user ({@code pattern}, {@code %u} standing for the user)
     * @param access what it grants
     * @param topic  the topic filter it grants it on
     */
    record Rule(String user, Access access, String topic) {
    }

    /**
     * What the rules say about one publish or subscription.
     *
     * @param allowed whether it may go ahead
     * @param reason  why not, naming the user, the topic and what the user may do; empty when allowed
     */
    public record Verdict(boolean allowed, String reason) {

        static final Verdict ALLOWED = new Verdict(true, "");
    }

    private final String site;
    private final String bridgeUser;
    private final String simulatorUser;
    private final List<Rule> rules;

    /**
     * The rules of a site.
     *
     * @param site          the site, one topic level
     * @param bridgeUser    the user name the runtime's bridge logs in with
     * @param simulatorUser the user name the simulated city logs in with
     * @throws IllegalArgumentException for a site that is not one topic level, or a user name that cannot be one
     */
    public AccessRules(String site, String bridgeUser, String simulatorUser) {
        this.site = Objects.requireNonNull(site, "site");
        this.bridgeUser = Objects.requireNonNull(bridgeUser, "bridgeUser");
        this.simulatorUser = Objects.requireNonNull(simulatorUser, "simulatorUser");
        if (!SITE.matcher(site).matches()) {
            throw new IllegalArgumentException("site '" + site + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        for (String user : List.of(bridgeUser, simulatorUser)) {
            if (user.isEmpty() || user.chars().anyMatch(c -> c == ' ' || c == '+' || c == '#' || c == '/' || c < 0x20)) {
                throw new IllegalArgumentException("MQTT user name '" + user + "' cannot be named in an ACL: it must not"
                        + " be empty or hold a blank, '+', '#', '/' or a control character");
            }
        }
        if (bridgeUser.equals(simulatorUser)) {
            throw new IllegalArgumentException("the bridge and the simulator need user names of their own, not both '"
                    + bridgeUser + "'");
        }
        String dev = "regie/v1/" + site + "/dev/";
        List<Rule> lines = new ArrayList<>();
        lines.add(new Rule(null, Access.WRITE, dev + "%u/tele"));
        lines.add(new Rule(null, Access.WRITE, dev + "%u/state"));
        lines.add(new Rule(null, Access.WRITE, dev + "%u/ack/+"));
        lines.add(new Rule(null, Access.READ, dev + "%u/cmd/#"));
        lines.add(new Rule(bridgeUser, Access.READ, dev + "+/tele"));
        lines.add(new Rule(bridgeUser, Access.READ, dev + "+/state"));
        lines.add(new Rule(bridgeUser, Access.READ, dev + "+/ack/+"));
        lines.add(new Rule(bridgeUser, Access.WRITE, dev + "+/cmd/+"));
        lines.add(new Rule(simulatorUser, Access.WRITE, dev + "+/tele"));
        lines.add(new Rule(simulatorUser, Access.WRITE, dev + "+/state"));
        lines.add(new Rule(simulatorUser, Access.WRITE, dev + "+/ack/+"));
        lines.add(new Rule(simulatorUser, Access.READ, dev + "+/cmd/#"));
        this.rules = List.copyOf(lines);
    }

    /** The rules of a site with the usual user names, {@value #BRIDGE_USER} and {@value #SIMULATOR_USER}. */
    public static AccessRules forSite(String site) {
        return new AccessRules(site, BRIDGE_USER, SIMULATOR_USER);
    }

    public String site() {
        return site;
    }

    public String bridgeUser() {
        return bridgeUser;
    }

    public String simulatorUser() {
        return simulatorUser;
    }

    /** The topics of one device begin with this: {@code regie/v1/{site}/dev/{d}/}. */
    public String devicePrefix(String device) {
        return "regie/v1/" + site + "/dev/" + device + "/";
    }

    /** Whether {@code user}, connected as {@code clientId}, may publish on {@code topic}. */
    public Verdict publish(String user, String clientId, String topic) {
        return grants(user, clientId).publish(topic);
    }

    /**
     * Whether {@code user}, connected as {@code clientId}, may subscribe to {@code filter}: whether every topic it can
     * match is one the user may read. For a shared subscription ({@code $share/{group}/...}), the filter inside.
     */
    public Verdict subscribe(String user, String clientId, String filter) {
        return grants(user, clientId).subscribe(filter);
    }

    /** What {@code user}, connected as {@code clientId}, may do, worked out once for every message of a connection. */
    public Grants grants(String user, String clientId) {
        return new Grants(user, filters(user, clientId, Access.WRITE), filters(user, clientId, Access.READ));
    }

    /** What one user may publish and receive. Immutable, thread-safe. */
    public static final class Grants {

        private final String user;
        private final List<String> write;
        private final List<String> read;
        private final List<String[]> writeLevels;

        Grants(String user, List<String> write, List<String> read) {
            this.user = user;
            this.write = List.copyOf(write);
            this.read = List.copyOf(read);
            this.writeLevels = write.stream().map(filter -> filter.split("/", -1)).toList();
        }

        /** Whether the user may publish on {@code topic}. */
        public Verdict publish(String topic) {
            String[] levels = topic.split("/", -1);
            boolean system = topic.startsWith("$");
            for (String[] filter : writeLevels) {
                if (TopicFilters.matches(filter, levels, system)) {
                    return Verdict.ALLOWED;
                }
            }
            return new Verdict(false, "user '" + user + "' may not publish on '" + topic + "'; it may publish on "
                    + described(write));
        }

        /** Whether the user may subscribe to {@code filter} (every topic it can match is one the user may read). */
        public Verdict subscribe(String filter) {
            String inner = TopicFilters.unshared(filter);
            for (String allowed : read) {
                if (TopicFilters.covers(allowed, inner)) {
                    return Verdict.ALLOWED;
                }
            }
            return new Verdict(false, "user '" + user + "' may not subscribe to '" + filter + "'; it may receive "
                    + described(read));
        }
    }

    /** The filters that grant {@code access} to a user: its own lines, then the pattern lines with its name in them. */
    List<String> filters(String user, String clientId, Access access) {
        List<String> filters = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.access() == access && user.equals(rule.user())) {
                filters.add(rule.topic());
            }
        }
        // Mosquitto refuses the pattern lines to a user name or client id with a wildcard in it: it could make a
        // pattern match what it must not.
        boolean dangerous = user.indexOf('+') >= 0 || user.indexOf('#') >= 0
                || clientId.indexOf('+') >= 0 || clientId.indexOf('#') >= 0;
        if (!dangerous) {
            for (Rule rule : rules) {
                if (rule.access() == access && rule.user() == null) {
                    filters.add(rule.topic().replace("%u", user));
                }
            }
        }
        return filters;
    }

    private static String described(List<String> filters) {
        return filters.isEmpty() ? "nothing" : String.join(", ", filters);
    }

    /**
     * Why a device id cannot have MQTT credentials, or empty if it can: it must be 1 to 128 letters, digits, '.', '_'
     * or '-' (a device id without ':', which ends the user name in a password file) and not begin with one of the
     * {@linkplain #RESERVED_PREFIXES reserved prefixes}.
     */
    public static Optional<String> deviceIdProblem(String id) {
        if (id == null || !DEVICE_ID.matcher(id).matches()) {
            String shown = id == null ? "null" : "'" + id + "'";
            if (id != null && id.indexOf(':') >= 0 && DEVICE_ID.matcher(id.replace(':', '_')).matches()) {
                return Optional.of("device id " + shown + " cannot have MQTT credentials: its ':' would end the user"
                        + " name in the password file; give the device an id without ':'");
            }
            return Optional.of("device id " + shown + " must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (id.startsWith(prefix)) {
                return Optional.of("device id '" + id + "' begins with '" + prefix + "', which is kept for Regie's own"
                        + " MQTT clients (the bridge, the simulator)");
            }
        }
        return Optional.empty();
    }

    /** Whether a user name or client id is one of Regie's own ({@link #RESERVED_PREFIXES}). */
    public static boolean reserved(String name) {
        return RESERVED_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** The rules as a Mosquitto 2 ACL file ({@code acl_file}). */
    public String mosquittoAcl() {
        StringBuilder text = new StringBuilder();
        text.append("# Regie's MQTT access rules for site ").append(site).append(", as a Mosquitto 2 acl_file.\n")
                .append("# Written by the Regie runtime; the launcher's embedded broker applies the same rules.\n")
                .append("# Nothing is allowed without a line below. The password file is passwd beside this one.\n")
                .append('\n')
                .append("# Every device: its user name is its device id (%u). It publishes its telemetry, its birth and\n")
                .append("# will, and its acknowledgements, and receives its own commands; nothing of other devices.\n");
        section(text, null);
        text.append('\n')
                .append("# The Regie runtime's device bridge: every device's telemetry, state and acknowledgements;\n")
                .append("# commands to every device.\n")
                .append("user ").append(bridgeUser).append('\n');
        section(text, bridgeUser);
        text.append('\n')
                .append("# The simulated city (regie-simulator.jar --username ").append(simulatorUser).append("): it speaks for\n")
                .append("# every device of the site over shared connections. Give it a password only where no real\n")
                .append("# device shares the site.\n")
                .append("user ").append(simulatorUser).append('\n');
        section(text, simulatorUser);
        return text.toString();
    }

    /** The lines for every device ({@code pattern}, {@code %u} its user name), as {@link #mosquittoAcl()} has them. */
    String devicePatterns() {
        StringBuilder text = new StringBuilder();
        section(text, null);
        return text.toString();
    }

    private void section(StringBuilder text, String user) {
        for (Rule rule : rules) {
            if (Objects.equals(rule.user(), user)) {
                text.append(user == null ? "pattern " : "topic ").append(rule.access().word).append(' ')
                        .append(rule.topic()).append('\n');
            }
        }
    }
}
