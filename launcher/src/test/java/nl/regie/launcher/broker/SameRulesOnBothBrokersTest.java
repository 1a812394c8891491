package nl.regie.launcher.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.AtomicFile;
import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;
import nl.regie.mqtt.access.Secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One statement of the rules, two brokers: the embedded HiveMQ with Regie's extension, and Debian's Mosquitto with the
 * password file and the ACL the runtime writes. For a table of publishes and of topics to receive, by a device, the
 * bridge and the simulator, each broker must do what {@link AccessRules} says: take a publish or answer "not
 * authorized"; deliver a message to a subscriber of its exact topic or not. (Mosquitto takes every subscription and
 * checks each message it delivers; the embedded broker refuses the subscription itself: for an exact topic the
 * outcome is the same.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SameRulesOnBothBrokersTest {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    private static final String SITE = "twins";
    private static final String DEV = "regie/v1/" + SITE + "/dev/";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tmp;

    private final AccessRules rules = AccessRules.forSite(SITE);
    private final BrokerLogins logins = BrokerLogins.random(RANDOM);
    private final String devicePassword = Secrets.password(RANDOM);

    /** Who publishes, on what. */
    private static final List<String[]> PUBLISHES = List.of(
            new String[] {"gauge-a", DEV + "gauge-a/tele"},
            new String[] {"gauge-a", DEV + "gauge-a/state"},
            new String[] {"gauge-a", DEV + "gauge-a/ack/c-1"},
            new String[] {"gauge-a", DEV + "gauge-a/cmd/c-1"},
            new String[] {"gauge-a", DEV + "gauge-b/tele"},
            new String[] {"gauge-a", DEV + "gauge-b/state"},
            new String[] {"gauge-a", DEV + "gauge-b/ack/c-1"},
            new String[] {"gauge-a", "regie/v1/other/dev/gauge-a/tele"},
            new String[] {"gauge-a", "regie-it/1/echo"},
            new String[] {"regie-bridge", DEV + "gauge-a/cmd/c-1"},
            new String[] {"regie-bridge", DEV + "gauge-a/tele"},
            new String[] {"regie-bridge", DEV + "gauge-a/ack/c-1"},
            new String[] {"regie-bridge", "regie/v1/other/dev/gauge-a/cmd/c-1"},
            new String[] {"regie-simulator", DEV + "lamp-1/tele"},
            new String[] {"regie-simulator", DEV + "lamp-1/state"},
            new String[] {"regie-simulator", DEV + "lamp-1/ack/c-1"},
            new String[] {"regie-simulator", DEV + "lamp-1/cmd/c-1"});

    /** Who subscribes to what exact topic, and who publishes there. */
    private static final List<String[]> RECEIVES = List.of(
            new String[] {"gauge-a", DEV + "gauge-a/cmd/c-9", "regie-bridge"},
            new String[] {"gauge-a", DEV + "gauge-b/cmd/c-9", "regie-bridge"},
            new String[] {"gauge-a", DEV + "gauge-b/tele", "regie-simulator"},
            new String[] {"gauge-a", DEV + "gauge-a/state", "regie-simulator"},
            new String[] {"regie-bridge", DEV + "gauge-b/tele", "regie-simulator"},
            new String[] {"regie-bridge", DEV + "gauge-b/state", "regie-simulator"},
            new String[] {"regie-bridge", DEV + "gauge-b/ack/c-9", "regie-simulator"},
            new String[] {"regie-bridge", DEV + "gauge-b/cmd/c-9", "regie-bridge"},
            new String[] {"regie-simulator", DEV + "lamp-1/cmd/c-9", "regie-bridge"},
            new String[] {"regie-simulator", DEV + "lamp-1/tele", "regie-simulator"});

    /** A sentinel each subscriber may receive, and who publishes it. */
    private static final Map<String, String[]> SENTINELS = Map.of(
            "gauge-a", new String[] {DEV + "gauge-a/cmd/sentinel", "regie-bridge"},
            "regie-bridge", new String[] {DEV + "sentinel/tele", "regie-simulator"},
            "regie-simulator", new String[] {DEV + "sentinel/cmd/c-0", "regie-bridge"});

    @Test
    void theEmbeddedBrokerAndMosquittoDoWhatTheRulesSay() throws Exception {
        assumeInstalled();
        Path passwd = tmp.resolve("passwd");
        PasswordFile.empty().with("gauge-a", PasswordHash.of(devicePassword, RANDOM)).write(passwd);

        Map<String, Boolean> expected = expected();
        Map<String, Boolean> embedded;
        try (EmbeddedBroker broker = new EmbeddedBroker("127.0.0.1", freePort(),
                new BrokerAccess(SITE, passwd, logins, message -> { }))) {
            broker.start(Duration.ofSeconds(60));
            embedded = observe(broker.url());
        }
        Map<String, Boolean> mosquitto;
        Path both = tmp.resolve("mosquitto-passwd");
        PasswordFile.read(passwd).with("regie-bridge", PasswordHash.of(logins.bridge().password(), RANDOM))
                .with("regie-simulator", PasswordHash.of(logins.simulator().password(), RANDOM)).write(both);
        Path acl = tmp.resolve("acl");
        AtomicFile.write(acl, rules.mosquittoAcl());
        Process process = startMosquitto(both, acl);
        try {
            mosquitto = observe(url(mosquittoPort));
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(expected, embedded, "the embedded broker");
        assertEquals(expected, mosquitto, "Mosquitto");
    }

    /** What the rules say: for each publish whether it is taken, for each subscriber whether the message reaches it. */
    private Map<String, Boolean> expected() {
        Map<String, Boolean> verdicts = new LinkedHashMap<>();
        for (String[] publish : PUBLISHES) {
            verdicts.put("publish " + publish[0] + " " + publish[1],
                    rules.publish(publish[0], clientId(publish[0]), publish[1]).allowed());
        }
        for (String[] receive : RECEIVES) {
            verdicts.put("receive " + receive[0] + " " + receive[1],
                    rules.subscribe(receive[0], clientId(receive[0]), receive[1]).allowed());
        }
        return verdicts;
    }

    /** What the broker at {@code url} does with each publish and each subscriber of the tables. */
    private Map<String, Boolean> observe(String url) throws Exception {
        Map<String, Boolean> verdicts = new LinkedHashMap<>();
        for (String[] publish : PUBLISHES) {
            try (AccessClient client = new AccessClient(url, publish[0], password(publish[0]), clientId(publish[0]))) {
                int code = client.publishReason(publish[1], "{}");
                verdicts.put("publish " + publish[0] + " " + publish[1], code < 0x80);
            }
        }
        for (String[] receive : RECEIVES) {
            String user = receive[0];
            String[] sentinel = SENTINELS.get(user);
            try (AccessClient subscriber = new AccessClient(url, user, password(user), clientId(user))) {
                subscriber.subscribeReason(receive[1]); // a refusal shows in what arrives
                subscriber.subscribeReason(sentinel[0]);
                try (AccessClient publisher = new AccessClient(url, receive[2], password(receive[2]), receive[2] + "-publisher")) {
                    assertEquals(true, publisher.publishReason(receive[1], "{}") < 0x80, "the publisher may publish there");
                }
                try (AccessClient publisher = new AccessClient(url, sentinel[1], password(sentinel[1]), sentinel[1] + "-sentinel")) {
                    publisher.publishReason(sentinel[0], "{}");
                }
                // The sentinel went out after the message: had the message reached the subscriber, it came first.
                String first = subscriber.nextTopic(10);
                assertEquals(true, first != null, "the sentinel reached " + user + " at " + url);
                verdicts.put("receive " + user + " " + receive[1], first.equals(receive[1]));
            }
        }
        return verdicts;
    }

    private String password(String user) {
        return switch (user) {
            case "regie-bridge" -> logins.bridge().password();
            case "regie-simulator" -> logins.simulator().password();
            default -> devicePassword;
        };
    }

    /** A device connects with its id as client id; Regie's own clients with one of their own. */
    private static String clientId(String user) {
        return AccessRules.reserved(user) ? user + "-1" : user;
    }

    private int mosquittoPort;

    private Process startMosquitto(Path passwd, Path acl) throws Exception {
        mosquittoPort = freePort();
        Path config = tmp.resolve("mosquitto.conf");
        Files.writeString(config, String.join("\n",
                "listener " + mosquittoPort + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + passwd,
                "acl_file " + acl,
                "user " + System.getProperty("user.name"),
                "max_topic_alias 0",
                "log_dest file " + tmp.resolve("mosquitto.log"),
                ""), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mosquitto.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(mosquittoPort)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("mosquitto did not start: " + Files.readString(tmp.resolve("mosquitto.out")));
            }
            Thread.sleep(20);
        }
        return process;
    }

    private static String url(int port) {
        return "tcp://127.0.0.1:" + port;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Skips the test (or fails it on CI) without Debian's Mosquitto. */
    private static void assumeInstalled() {
        if (Files.isExecutable(MOSQUITTO)) {
            return;
        }
        String message = MOSQUITTO + " is not installed; install Debian's mosquitto package to run this test";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: not skipping)");
        }
        assumeTrue(false, message);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
