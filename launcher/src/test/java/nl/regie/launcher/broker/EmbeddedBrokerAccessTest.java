package nl.regie.launcher.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker with Regie's authentication extension, against real Paho clients: no client gets in without a
 * good login, a device uses its own client id, publishes only its own telemetry, state and acknowledgements (its will
 * too), receives only its own commands; a device added to the password file logs in at once, a revoked one is
 * disconnected; the bridge and the simulator have exactly their own rights. Every refusal is counted and logged.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedBrokerAccessTest {

    private static final String SITE = "guarded";
    private static final String DEV = "regie/v1/" + SITE + "/dev/";
    private static final int NOT_AUTHORIZED = 0x87;
    private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tmp;

    private final BrokerLogins logins = BrokerLogins.random(RANDOM);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<AccessClient> clients = new CopyOnWriteArrayList<>();
    private Path passwd;
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        passwd = tmp.resolve("broker").resolve("passwd");
        PasswordFile.empty().with("gauge-a", PasswordHash.of("secret-a", RANDOM))
                .with("gauge-b", PasswordHash.of("secret-b", RANDOM)).write(passwd);
        broker = new EmbeddedBroker("127.0.0.1", freePort(), new BrokerAccess(SITE, passwd, logins, warnings::add));
        broker.start(Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        clients.forEach(AccessClient::close);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void noClientGetsInWithoutAGoodLogin() throws Exception {
        assertEquals(NOT_AUTHORIZED, refusal(null, null, "anybody"));
        assertEquals(NOT_AUTHORIZED, refusal("gauge-a", null, "gauge-a"));
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal("gauge-a", "secret-b", "gauge-a"));
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal("gauge-c", "secret-a", "gauge-c"));
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal("regie-bridge", "guess", "regie-guarded"));
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal("regie-simulator", logins.bridge().password(), "sim-1"));
        assertEquals(6, broker.access().counts().logins());
        assertTrue(warnings.contains("refused the connection of client 'anybody' without a user name: every client logs"
                + " in"), warnings.toString());
        assertTrue(warnings.contains("refused the connection of client 'gauge-a' as user 'gauge-a' without a password:"
                + " every client logs in"), warnings.toString());
        assertTrue(warnings.stream().noneMatch(w -> w.contains("'gauge-a' as user 'gauge-a': wrong password")),
                "the next refusal of the same client within the minute is counted, not logged: " + warnings);
        assertTrue(warnings.contains("refused the connection of client 'gauge-c' as user 'gauge-c': no such user in "
                + passwd), warnings.toString());
        // With MQTT 3.1.1 too.
        MqttClient v3 = new MqttClient(broker.url(), "gauge-a", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttException refused = assertThrows(
                org.eclipse.paho.client.mqttv3.MqttException.class, () -> v3.connect(new MqttConnectOptions()));
        assertEquals(org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode());
        v3.close();
    }

    /** A client id belongs to one device: no device can take over another's session or push it off. */
    @Test
    void aDeviceConnectsWithItsOwnDeviceIdAsClientIdOnly() throws Exception {
        AccessClient b = connect("gauge-b", "secret-b", "gauge-b");
        assertEquals(NOT_AUTHORIZED, refusal("gauge-a", "secret-a", "gauge-b"));
        assertEquals(NOT_AUTHORIZED, refusal("gauge-a", "secret-a", "regie-" + SITE), "not the bridge's either");
        assertEquals(NOT_AUTHORIZED, refusal("gauge-a", "secret-a", "any-other-id"));
        assertTrue(b.paho.isConnected(), "gauge-b was never pushed off");
        assertTrue(warnings.contains("refused the connection of client 'gauge-b' as user 'gauge-a': a device connects"
                + " with its device id as client id, so that no device takes over another's session"), warnings.toString());
    }

    /**
     * A device publishes its own telemetry, state and acknowledgements only: anything else gets MQTT 5's "not
     * authorized" and then the broker disconnects it (HiveMQ's way; Mosquitto keeps such a client connected). It
     * subscribes to its own commands only, and receives no other device's.
     */
    @Test
    void aDevicePublishesOnlyItsOwnTopicsAndReceivesOnlyItsOwnCommands() throws Exception {
        AccessClient bridge = connect(logins.bridge().username(), logins.bridge().password(), "regie-" + SITE);
        assertEquals(1, bridge.subscribeReason(DEV + "+/tele"));
        assertEquals(1, bridge.subscribeReason(DEV + "+/state"));
        assertEquals(1, bridge.subscribeReason(DEV + "+/ack/+"));

        assertEquals(NOT_AUTHORIZED, publishAs("gauge-a", "secret-a", DEV + "gauge-b/tele"), "another's telemetry");
        assertEquals(NOT_AUTHORIZED, publishAs("gauge-a", "secret-a", DEV + "gauge-b/state"), "another's state");
        assertEquals(NOT_AUTHORIZED, publishAs("gauge-a", "secret-a", DEV + "gauge-b/ack/c-1"), "another's ack");
        assertEquals(NOT_AUTHORIZED, publishAs("gauge-a", "secret-a", DEV + "gauge-a/cmd/c-1"), "a command");
        assertEquals(NOT_AUTHORIZED, publishAs("gauge-a", "secret-a", "regie-it/1/echo"), "anything else");
        AccessClient a = connect("gauge-a", "secret-a", "gauge-a");
        AccessClient b = connect("gauge-b", "secret-b", "gauge-b");
        assertEquals(0, a.publishReason(DEV + "gauge-a/tele", "[{\"v\":0.7}]"));
        assertEquals(0, a.publishReason(DEV + "gauge-a/ack/c-1", "{\"status\": \"completed\"}"));
        await(() -> bridge.received.size() == 2, "the bridge received gauge-a's two messages");
        assertEquals(List.of(DEV + "gauge-a/tele", DEV + "gauge-a/ack/c-1"), bridge.topics(),
                "nothing refused reached the bridge, nothing was lost");

        assertEquals(NOT_AUTHORIZED, a.subscribeReason(DEV + "gauge-b/cmd/+"));
        assertEquals(NOT_AUTHORIZED, a.subscribeReason(DEV + "+/cmd/+"));
        assertEquals(NOT_AUTHORIZED, a.subscribeReason(DEV + "+/tele"));
        assertEquals(NOT_AUTHORIZED, a.subscribeReason("#"));
        assertEquals(1, a.subscribeReason(DEV + "gauge-a/cmd/+"));
        assertEquals(1, b.subscribeReason(DEV + "gauge-b/cmd/+"));
        assertEquals(0, bridge.publishReason(DEV + "gauge-b/cmd/c-b", "{\"action\": \"reset\"}"));
        assertEquals(0, bridge.publishReason(DEV + "gauge-a/cmd/c-a", "{\"action\": \"reset\"}"));
        await(() -> a.received.size() == 1 && b.received.size() == 1, "each device got its own command");
        assertEquals(List.of(DEV + "gauge-a/cmd/c-a"), a.topics(), "gauge-b's command (sent first) did not reach gauge-a");
        assertEquals(List.of(DEV + "gauge-b/cmd/c-b"), b.topics());
        assertTrue(a.paho.isConnected(), "a refused subscription leaves the connection");

        BrokerAccess.Counts counts = broker.access().counts();
        assertEquals(5, counts.publishes());
        assertEquals(4, counts.subscriptions());
        assertTrue(warnings.contains("refused a publish of client 'gauge-a': user 'gauge-a' may not publish on '" + DEV
                + "gauge-b/tele'; it may publish on " + DEV + "gauge-a/tele, " + DEV + "gauge-a/state, " + DEV
                + "gauge-a/ack/+"), warnings.toString());
        assertEquals(1, warnings.stream().filter(w -> w.startsWith("refused a publish of client 'gauge-a'")).count(),
                "one line a minute for a client that keeps trying: " + warnings);
        assertEquals(1, warnings.stream().filter(w -> w.startsWith("refused a subscription of client 'gauge-a'")).count(),
                warnings.toString());
    }

    /** A will is a publish the broker makes later: one on another device's topic is refused at login. */
    @Test
    void aWillOnAnotherDevicesTopicIsRefusedAtLogin() throws Exception {
        MqttException refused = assertThrows(MqttException.class,
                () -> connect("gauge-a", "secret-a", "gauge-a", DEV + "gauge-b/state"));
        assertEquals(NOT_AUTHORIZED, refused.getReasonCode());
        AccessClient a = connect("gauge-a", "secret-a", "gauge-a", DEV + "gauge-a/state");
        assertTrue(a.paho.isConnected(), "its own will is fine");
    }

    @Test
    void aDeviceAddedToThePasswordFileLogsInAtOnceAndARevokedOneIsDisconnected() throws Exception {
        AccessClient a = connect("gauge-a", "secret-a", "gauge-a");
        AccessClient b = connect("gauge-b", "secret-b", "gauge-b");
        PasswordFile.read(passwd).with("gauge-c", PasswordHash.of("secret-c", RANDOM)).write(passwd);
        AccessClient c = connect("gauge-c", "secret-c", "gauge-c");
        assertTrue(c.paho.isConnected(), "no wait for a new device");

        PasswordFile.read(passwd).without("gauge-a").with("gauge-b", PasswordHash.of("renewed-b", RANDOM)).write(passwd);
        await(() -> !a.paho.isConnected() && !b.paho.isConnected(), "the revoked and the renewed device are disconnected");
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal("gauge-a", "secret-a", "gauge-a"));
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal("gauge-b", "secret-b", "gauge-b"));
        assertTrue(connect("gauge-b", "renewed-b", "gauge-b").paho.isConnected());
        assertTrue(c.paho.isConnected(), "the others keep their connections");
        assertEquals(2, broker.access().counts().revoked());
    }

    @Test
    void aBadLineInThePasswordFileIsNamedOnceAndCostsOnlyItsOwnUser() throws Exception {
        PasswordFile.read(passwd).with("regie-intruder", PasswordHash.of("x", RANDOM)).write(passwd);
        java.nio.file.Files.writeString(passwd, java.nio.file.Files.readString(passwd) + "gauge-d:plaintext\n");
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal("gauge-d", "plaintext", "gauge-d"));
        assertEquals(NOT_AUTHORIZED, refusal("regie-intruder", "x", "regie-intruder"), "a reserved name is no device");
        assertTrue(connect("gauge-a", "secret-a", "gauge-a").paho.isConnected());
        List<String> problems = warnings.stream().filter(w -> w.startsWith("device password file")).toList();
        assertEquals(List.of("device password file " + passwd + ": line 4 (user 'gauge-d'): its password is not hashed as"
                + " Mosquitto 2 reads it ($7$<iterations>$<salt>$<hash> or $6$<salt>$<hash>; a plain password must be"
                + " hashed first, for example with mosquitto_passwd -U); it is skipped"), problems);
    }

    /** The bridge and the simulator: each exactly what it needs. */
    @Test
    void theBridgeAndTheSimulatorHaveTheirOwnRights() throws Exception {
        BrokerLogins.Login b = logins.bridge();
        BrokerLogins.Login s = logins.simulator();
        AccessClient bridge = connect(b.username(), b.password(), "regie-" + SITE);
        AccessClient simulator = connect(s.username(), s.password(), "sim-" + SITE + "-link-01");
        assertEquals(1, bridge.subscribeReason(DEV + "+/tele"));
        assertEquals(1, bridge.subscribeReason(DEV + "+/ack/+"));
        assertEquals(NOT_AUTHORIZED, bridge.subscribeReason(DEV + "#"));
        assertEquals(NOT_AUTHORIZED, bridge.subscribeReason(DEV + "+/cmd/+"));
        assertEquals(1, simulator.subscribeReason(DEV + "lamp-7/cmd/+"));
        assertEquals(NOT_AUTHORIZED, simulator.subscribeReason(DEV + "+/tele"));
        assertEquals(0, bridge.publishReason(DEV + "lamp-7/cmd/c-1", "{}"));
        await(() -> simulator.topics().equals(List.of(DEV + "lamp-7/cmd/c-1")), "the simulated lamp got its command");
        assertEquals(0, simulator.publishReason(DEV + "lamp-7/tele", "[]"));
        assertEquals(0, simulator.publishReason(DEV + "lamp-8/ack/c-1", "{}"));
        await(() -> bridge.received.size() == 2, "the simulated lamps' telemetry and ack reached the bridge");

        assertEquals(NOT_AUTHORIZED, publishAs(b.username(), b.password(), DEV + "gauge-a/tele"));
        assertEquals(NOT_AUTHORIZED, publishAs(b.username(), b.password(), "regie/v1/other-site/dev/gauge-a/cmd/c-1"));
        assertEquals(NOT_AUTHORIZED, publishAs(s.username(), s.password(), DEV + "lamp-7/cmd/c-1"));
        assertEquals(NOT_AUTHORIZED, publishAs(s.username(), s.password(), "regie/v1/other-site/dev/lamp-7/tele"));
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private AccessClient connect(String user, String password, String clientId) throws MqttException {
        return connect(user, password, clientId, null);
    }

    private AccessClient connect(String user, String password, String clientId, String willTopic) throws MqttException {
        AccessClient client = new AccessClient(broker.url(), user, password, clientId, willTopic);
        clients.add(client);
        return client;
    }

    /**
     * Publishes once at QoS 1 on a connection of its own (a device's client id is its user name; a service's is
     * {@code <user>-probe}) and returns the acknowledgement's reason code.
     */
    private int publishAs(String user, String password, String topic) throws MqttException {
        String clientId = user.startsWith("regie-") ? user + "-probe" : user;
        try (AccessClient client = new AccessClient(broker.url(), user, password, clientId, null)) {
            return client.publishReason(topic, "{}");
        }
    }

    private int refusal(String user, String password, String clientId) {
        return assertThrows(MqttException.class, () -> connect(user, password, clientId)).getReasonCode();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

}
