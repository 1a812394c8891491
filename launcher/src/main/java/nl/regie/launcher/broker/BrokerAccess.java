package nl.regie.launcher.broker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;
import nl.regie.mqtt.access.Secrets;

/**
 * Who may use the embedded broker, and for what: the decisions of Regie's authentication extension
 * ({@link AccessExtension}), in plain Java.
 * <ul>
 * <li><b>Logging in.</b> Every client logs in; none is anonymous. The runtime's bridge and the simulated city log in
 * as the {@linkplain BrokerLogins users the launcher made} at start. A device logs in with the user name and password
 * the runtime gave it, as the password file ({@code <state dir>/broker/passwd}, {@link PasswordWatch}) holds them,
 * and with its device id as client id: a client id belongs to one device, so no device can take over another's
 * session (its subscriptions and queued commands) or push it off. User names and client ids beginning with
 * {@code regie-} or {@code sim-} are Regie's own: a device line for one in the password file is refused.</li>
 * <li><b>Publishing and subscribing</b>: the site's {@link AccessRules}, the same that the runtime writes as a
 * Mosquitto ACL beside the password file. A device whose password was revoked or changed since it logged in may do
 * nothing more, and is disconnected (by the extension, on the revocation listener).</li>
 * </ul>
 * Every refusal is counted and logged, at most once a minute per client and kind (login, publish, subscription)
 * ({@link RefusalLog}). A client is told only
 * that its login was refused, never whether the user exists; the console says why.
 */
public final class BrokerAccess {

    /** How a login ends. */
    public enum Outcome {
        /** Logged in. */
        ALLOWED,
        /** No user name or no password: MQTT's "not authorized". */
        NO_LOGIN,
        /** An unknown user or a wrong password: MQTT's "bad user name or password". */
        BAD_LOGIN,
        /** A good login that may not connect this way (another device's client id, a reserved name). */
        NOT_ALLOWED
    }

    /**
     * A login's outcome.
     *
     * @param outcome what it comes to
     * @param reason  for the client: what it may know (nothing about which users exist); empty when allowed
     */
    public record Login(Outcome outcome, String reason) {

        static final Login ALLOWED = new Login(Outcome.ALLOWED, "");

        public boolean allowed() {
            return outcome == Outcome.ALLOWED;
        }
    }

    /**
     * The refusals counted since the broker started.
     *
     * @param logins         logins refused
     * @param publishes      publishes (and wills) refused
     * @param subscriptions  subscriptions refused
     * @param revoked        connected devices disconnected because their password went away or changed
     */
    public record Counts(long logins, long publishes, long subscriptions, long revoked) {
    }

    /** What a connection logged in as, and what it may do. */
    private record Session(String user, PasswordHash hash, AccessRules.Grants grants) {
    }

    private final AccessRules rules;
    private final BrokerLogins logins;
    private final PasswordWatch passwords;
    private final RefusalLog log;
    private final PasswordHash decoy;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final LongAdder loginsRefused = new LongAdder();
    private final LongAdder publishesRefused = new LongAdder();
    private final LongAdder subscriptionsRefused = new LongAdder();
    private final LongAdder revoked = new LongAdder();
    private volatile Consumer<String> disconnect = device -> { };

    /**
     * The access of a site's broker.
     *
     * @param site         the site, whose device topics the rules are about
     * @param passwordFile the devices' password file (need not exist yet)
     * @param logins       the bridge's and the simulator's logins
     * @param warnings     where refusals and password file problems are told
     */
    public BrokerAccess(String site, Path passwordFile, BrokerLogins logins, Consumer<String> warnings) {
        this(site, passwordFile, logins, warnings, Clock.systemUTC());
    }

    BrokerAccess(String site, Path passwordFile, BrokerLogins logins, Consumer<String> warnings, Clock clock) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.rules = new AccessRules(site, logins.bridge().username(), logins.simulator().username());
        this.log = new RefusalLog(warnings, clock);
        this.passwords = new PasswordWatch(passwordFile, this::revoke, warnings);
        SecureRandom random = new SecureRandom();
        this.decoy = PasswordHash.of(Secrets.password(random), random);
    }

    /** The site's rules. */
    public AccessRules rules() {
        return rules;
    }

    /** The devices' password file. */
    public Path passwordFile() {
        return passwords.file();
    }

    /** Who disconnects a device (by its client id, which is its user name) when its password is revoked. */
    void onRevoked(Consumer<String> disconnecter) {
        this.disconnect = Objects.requireNonNull(disconnecter, "disconnecter");
    }

    /** Reads the password file again if it changed, disconnecting the devices whose password went away or changed. */
    void check() {
        passwords.current();
    }

    /**
     * Whether a client may log in.
     *
     * @param clientId the client id it connects with
     * @param user     its user name, or null
     * @param password its password (the bytes it sent), or null
     */
    public Login login(String clientId, String user, byte[] password) {
        if (user == null || password == null) {
            return refuse(clientId, Outcome.NO_LOGIN, "this broker takes no client without a user name and password",
                    "refused the connection of client '" + clientId + "'" + (user == null ? " without a user name"
                            : " as user '" + user + "' without a password") + ": every client logs in");
        }
        BrokerLogins.Login service = user.equals(logins.bridge().username()) ? logins.bridge()
                : user.equals(logins.simulator().username()) ? logins.simulator() : null;
        if (service != null) {
            if (!MessageDigest.isEqual(service.password().getBytes(StandardCharsets.UTF_8), password)) {
                return refuse(clientId, Outcome.BAD_LOGIN, "bad user name or password", "refused the connection of"
                        + " client '" + clientId + "' as user '" + user + "': wrong password");
            }
            sessions.put(clientId, new Session(user, null, rules.grants(user, clientId)));
            return Login.ALLOWED;
        }
        PasswordFile file = passwords.current();
        Optional<PasswordHash> hash = file.hash(user);
        if (hash.isEmpty()) {
            decoy.matches(password); // the same work as for a known user: the time tells nothing
            return refuse(clientId, Outcome.BAD_LOGIN, "bad user name or password", "refused the connection of client '"
                    + clientId + "' as user '" + user + "': no such user in " + passwords.file());
        }
        if (!hash.get().matches(password)) {
            return refuse(clientId, Outcome.BAD_LOGIN, "bad user name or password", "refused the connection of client '"
                    + clientId + "' as user '" + user + "': wrong password");
        }
        if (AccessRules.reserved(user)) {
            return refuse(clientId, Outcome.NOT_ALLOWED, "user name '" + user + "' is kept for Regie's own clients",
                    "refused the connection of client '" + clientId + "' as user '" + user + "': names beginning with "
                            + AccessRules.RESERVED_PREFIXES + " are Regie's own; the line for it in "
                            + passwords.file() + " is not used");
        }
        if (!clientId.equals(user)) {
            return refuse(clientId, Outcome.NOT_ALLOWED, "device " + user + " must connect with client id " + user,
                    "refused the connection of client '" + clientId + "' as user '" + user + "': a device connects"
                            + " with its device id as client id, so that no device takes over another's session");
        }
        sessions.put(clientId, new Session(user, hash.get(), rules.grants(user, clientId)));
        return Login.ALLOWED;
    }

    /** Whether the client may publish on {@code topic} (also its will, at login). */
    public AccessRules.Verdict publish(String clientId, String topic) {
        Session session = session(clientId);
        if (session == null) {
            return new AccessRules.Verdict(false, "client '" + clientId + "' has not logged in");
        }
        AccessRules.Verdict verdict = session.grants().publish(topic);
        if (!verdict.allowed()) {
            publishesRefused.increment();
            log.refused(clientId + " publish", "refused a publish of client '" + clientId + "': " + verdict.reason());
        }
        return verdict;
    }

    /** Whether the client may subscribe to {@code filter}. */
    public AccessRules.Verdict subscribe(String clientId, String filter) {
        Session session = session(clientId);
        if (session == null) {
            return new AccessRules.Verdict(false, "client '" + clientId + "' has not logged in");
        }
        AccessRules.Verdict verdict = session.grants().subscribe(filter);
        if (!verdict.allowed()) {
            subscriptionsRefused.increment();
            log.refused(clientId + " subscribe", "refused a subscription of client '" + clientId + "': " + verdict.reason());
        }
        return verdict;
    }

    /**
     * The client's session, or null when it has none or its device's password is no longer the one it logged in with
     * (as the password file was last read: every login and every second).
     */
    private Session session(String clientId) {
        Session session = sessions.get(clientId);
        if (session == null || session.hash() == null) {
            return session;
        }
        if (passwords.last().hash(session.user()).map(session.hash()::equals).orElse(false)) {
            return session;
        }
        sessions.remove(clientId, session);
        revoke(Set.of(session.user()));
        return null;
    }

    private void revoke(Set<String> users) {
        for (String user : users) {
            Session session = sessions.get(user);
            if (session != null && session.hash() != null && sessions.remove(user, session)) {
                revoked.increment();
                log.refused(user + " revoked", "disconnected device " + user + ": its password in " + passwords.file()
                        + " was revoked or changed");
            }
            disconnect.accept(user);
        }
    }

    private Login refuse(String clientId, Outcome outcome, String reason, String message) {
        loginsRefused.increment();
        log.refused(clientId + " login", message);
        return new Login(outcome, reason);
    }

    /** The refusals so far. */
    public Counts counts() {
        return new Counts(loginsRefused.sum(), publishesRefused.sum(), subscriptionsRefused.sum(), revoked.sum());
    }
}
