package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.Secrets;
import nl.regie.mqtt.client.NoDelaySocketFactory;
import nl.regie.runtime.devices.credentials.CredentialStore;
import nl.regie.runtime.spi.devices.DeviceCredentials.Issued;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.testing.Mosquitto;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The devices' credentials with Debian's Mosquitto as the external broker, as an operator sets it up: the password
 * file and ACL the runtime writes ({@link CredentialStore}), the bridge's own line added with {@code mosquitto_passwd},
 * {@code allow_anonymous false}. The bridge logs in and takes telemetry; a client without credentials or with a wrong
 * password is refused; a device cannot publish as another, read another's commands or acknowledge them; a pack dated
 * a day ahead is refused by the bridge; a revoked device is disconnected when Mosquitto reloads; and the well-behaved
 * device loses nothing meanwhile.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MosquittoDeviceAccessTest {

    private static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");
    private static final String SITE = "guarded";
    private static final String PREFIX = "regie/v1/" + SITE + "/dev/";
    /** Mosquitto 2.0 answers a missing login and a wrong password alike: 0x87, not authorized. */
    private static final int NOT_AUTHORIZED = 0x87;

    @TempDir
    Path tmp;

    private Mosquitto broker;
    private CredentialStore store;
    private BridgeFixture fixture;
    private Issued gaugeA;
    private Issued gaugeB;
    private final List<Device> devices = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Mosquitto.assumeInstalled(Mosquitto.BINARY, PASSWD);
        store = new CredentialStore(tmp.resolve("broker"), AccessRules.forSite(SITE), Set.of(), new SecureRandom());
        store.prepare();
        List<Issued> issued = store.provision(List.of("gauge-a", "gauge-b"));
        gaugeA = issued.get(0);
        gaugeB = issued.get(1);
        // The bridge's own line, as an operator adds it to the same file.
        String bridgePassword = Secrets.password(new SecureRandom());
        Devices.run(10, PASSWD, "-b", store.passwordFile().toString(), AccessRules.BRIDGE_USER, bridgePassword);

        broker = Mosquitto.prepare(tmp, List.of("allow_anonymous false", "password_file " + store.passwordFile(),
                "acl_file " + store.aclFile()));
        broker.launch();
        fixture = new BridgeFixture(new ConnectionSettings(broker.url(), "regie-" + SITE, AccessRules.BRIDGE_USER,
                bridgePassword, null, null, 2, 3600, 30, 1024 * 1024), SITE, 3.0).start();
        await().atMost(Duration.ofSeconds(10)).until(fixture.connection::isConnected);
    }

    @AfterEach
    void stop() {
        devices.forEach(Device::close);
        if (fixture != null) {
            fixture.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theBridgeLogsInWithItsOwnCredentialsAndTakesEachDevicesTelemetry() throws Exception {
        Device a = connect(gaugeA);
        Device b = connect(gaugeB);
        a.publish("tele", pack("gauge-a", 1.10, 0));
        b.publish("tele", pack("gauge-b", 2.20, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> levels("gauge-a").size() == 1 && levels("gauge-b").size() == 1);
        assertEquals(List.of(1.10), levels("gauge-a"));
        assertEquals(List.of(2.20), levels("gauge-b"));
    }

    @Test
    void aClientWithoutCredentialsOrWithAWrongPasswordIsRefusedByTheBroker() throws Exception {
        assertEquals(NOT_AUTHORIZED, refusal(null, null, "anonymous"));
        assertEquals(NOT_AUTHORIZED, refusal("gauge-a", gaugeB.password(), "gauge-a"));
        assertEquals(NOT_AUTHORIZED, refusal("gauge-c", gaugeA.password(), "gauge-c"));
        assertEquals(NOT_AUTHORIZED, refusal(AccessRules.SIMULATOR_USER, "guess", "sim"),
                "the simulator has rights in the ACL, but no password line: nobody logs in as it");
        assertTrue(broker.logs().contains("not authorised"), broker.logs());
    }

    @Test
    void aDeviceCannotPublishAsAnotherReadAnothersCommandsOrAcknowledgeThem() throws Exception {
        Device a = connect(gaugeA);
        Device b = connect(gaugeB);
        b.subscribe(PREFIX + "gauge-b/cmd/+");
        a.subscribe(PREFIX + "gauge-a/cmd/+");
        // Mosquitto 2 takes any subscription and checks each message as it delivers it.
        a.subscribe(PREFIX + "gauge-b/cmd/+");
        a.subscribe(PREFIX + "+/tele");

        // Telemetry on another device's topic is refused by the broker: a fake 2.6 m for gauge-b never arrives.
        assertEquals(NOT_AUTHORIZED, a.publishReason(PREFIX + "gauge-b/tele", pack("gauge-b", 2.60, 0)));
        assertEquals(NOT_AUTHORIZED, a.publishReason(PREFIX + "gauge-b/state", "{\"online\": false}"));
        b.publish("tele", pack("gauge-b", 0.50, 0));
        a.publish("tele", pack("gauge-a", 0.70, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> levels("gauge-a").size() == 1 && levels("gauge-b").size() == 1);
        assertEquals(List.of(0.50), levels("gauge-b"), "only gauge-b's own reading of gauge-b");

        // A command to gauge-b reaches gauge-b only; gauge-a's acknowledgement of it is refused, gauge-b's counts.
        CompletableFuture<CommandResult> toB = send("gauge-b", "c-b1");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.received.contains(PREFIX + "gauge-b/cmd/c-b1"));
        assertEquals(NOT_AUTHORIZED, a.publishReason(PREFIX + "gauge-b/ack/c-b1", "{\"status\": \"rejected\","
                + " \"reason\": \"spoofed\"}"));
        b.publish("ack/c-b1", "{\"status\": \"completed\"}");
        assertEquals(CommandState.COMPLETED, toB.get(10, TimeUnit.SECONDS).state());

        // Acknowledging gauge-b's command on its own topic gets gauge-a nowhere: the bridge knows whose it was.
        CompletableFuture<CommandResult> again = send("gauge-b", "c-b2");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.received.contains(PREFIX + "gauge-b/cmd/c-b2"));
        a.publish("ack/c-b2", "{\"status\": \"failed\", \"reason\": \"spoofed\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> device("gauge-a").counts().acksRejected() == 1);
        assertTrue(device("gauge-a").lastRejection().reason().startsWith("acknowledgement for command c-b2, which was"
                + " sent to device gauge-b, not to gauge-a"), device("gauge-a").lastRejection().reason());
        assertFalse(again.isDone());
        b.publish("ack/c-b2", "{\"status\": \"completed\"}");
        assertEquals(CommandState.COMPLETED, again.get(10, TimeUnit.SECONDS).state());

        // gauge-a's own command comes after gauge-b's from the same bridge connection: had gauge-b's reached it,
        // they would have come first.
        CompletableFuture<CommandResult> toA = send("gauge-a", "c-a1");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.received.contains(PREFIX + "gauge-a/cmd/c-a1"));
        assertEquals(List.of(PREFIX + "gauge-a/cmd/c-a1"), a.received, "gauge-a received none of gauge-b's commands"
                + " and no telemetry");
        a.publish("ack/c-a1", "{\"status\": \"completed\"}");
        assertEquals(CommandState.COMPLETED, toA.get(10, TimeUnit.SECONDS).state());
    }

    /** A pack dated a day ahead would pin gauge-a's level in the city state: the bridge refuses it, takes the next. */
    @Test
    void aPackDatedADayAheadIsRefusedByTheBridgeWhileTheOtherDeviceLosesNothing() throws Exception {
        Device a = connect(gaugeA);
        Device b = connect(gaugeB);
        int packs = 20;
        for (int i = 0; i < packs; i++) {
            b.publish("tele", pack("gauge-b", 1 + i / 100.0, 0));
            if (i == packs / 2) {
                a.publish("tele", pack("gauge-a", 0.70, 0));
                a.publish("tele", pack("gauge-a", 2.60, 86_400));
                a.publish("tele", pack("gauge-a", 0.80, 0));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> levels("gauge-b").size() == packs && levels("gauge-a").size() == 2);
        assertEquals(List.of(0.70, 0.80), levels("gauge-a"));
        DeviceSnapshot gauge = device("gauge-a");
        assertEquals(1, gauge.counts().telemetryRejected());
        assertEquals(2, gauge.counts().telemetryAccepted());
        assertTrue(gauge.lastRejection().reason().contains("s ahead of the runtime's clock"), gauge.lastRejection().reason());
        assertEquals(0, device("gauge-b").counts().telemetryRejected());
    }

    @Test
    void aRevokedDeviceIsDisconnectedWhenMosquittoReloadsAndCannotComeBack() throws Exception {
        Device a = connect(gaugeA);
        Device b = connect(gaugeB);
        store.revoke("gauge-a");
        broker.reload();
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.paho.isConnected());
        assertEquals(NOT_AUTHORIZED, refusal("gauge-a", gaugeA.password(), "gauge-a"));
        b.publish("tele", pack("gauge-b", 1.23, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> levels("gauge-b").equals(List.of(1.23)));
        assertTrue(b.paho.isConnected(), "gauge-b keeps its connection");
    }

    /**
     * Unlike the embedded broker, Mosquitto does not bind a client id to a user: a device that takes another's client
     * id pushes that device off and takes over its session, subscriptions included. It receives nothing of it all the
     * same, since Mosquitto checks the taker's own rights on everything it delivers.
     */
    @Test
    void aDeviceThatTakesAnothersClientIdAndSessionGetsNothingOfIt() throws Exception {
        Device b = connect(gaugeB.username(), gaugeB.password(), "gauge-b", false);
        b.subscribe(PREFIX + "gauge-b/cmd/+");
        b.publish("tele", pack("gauge-b", 0.40, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> levels("gauge-b").size() == 1);

        Device poser = connect(gaugeA.username(), gaugeA.password(), "gauge-b", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !b.paho.isConnected());
        assertEquals(NOT_AUTHORIZED, poser.publishReason(PREFIX + "gauge-b/tele", pack("gauge-b", 2.60, 0)));
        poser.publish("tele", pack("gauge-a", 0.90, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> levels("gauge-a").size() == 1);
        CompletableFuture<CommandResult> toB = send("gauge-b", "c-b1");
        // The sentinel: gauge-a's own command, sent after gauge-b's on the same bridge connection.
        poser.subscribe(PREFIX + "gauge-a/cmd/+");
        send("gauge-a", "c-a1");
        await().atMost(Duration.ofSeconds(10)).until(() -> poser.received.contains(PREFIX + "gauge-a/cmd/c-a1"));
        assertEquals(List.of(PREFIX + "gauge-a/cmd/c-a1"), poser.received, "the inherited subscription to gauge-b's"
                + " commands delivered nothing");
        assertEquals(List.of(0.40), levels("gauge-b"));
        assertFalse(toB.isDone(), "nobody answered gauge-b's command");
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private CompletableFuture<CommandResult> send(String device, String id) {
        return fixture.bridge.execute(new Command(id, EntityId.of("Device", device), "reset", Map.of(),
                Instant.now().plusSeconds(30))).toCompletableFuture();
    }

    private DeviceSnapshot device(String id) {
        return fixture.bridge.device(id).orElseThrow();
    }

    /** The water levels of a gauge's own entity that reached the bus, in order. */
    private List<Double> levels(String gauge) {
        return fixture.telemetry().stream().filter(r -> r.entity().equals(EntityId.of("WaterObserved", gauge)))
                .map(Reading::value).map(v -> (Double) v.asObject()).toList();
    }

    private static String pack(String gauge, double level, long secondsAhead) {
        double time = Instant.now().plusSeconds(secondsAhead).toEpochMilli() / 1000.0;
        return String.format(Locale.ROOT, "[{\"bn\":\"urn:ngsi-ld:WaterObserved:%s:\",\"bt\":%.3f,\"n\":\"waterLevel\","
                + "\"u\":\"m\",\"v\":%.2f}]", gauge, time, level);
    }

    private Device connect(Issued credentials) throws MqttException {
        return connect(credentials.username(), credentials.password(), credentials.clientId(), true);
    }

    private Device connect(String user, String password, String clientId, boolean cleanStart) throws MqttException {
        Device device = new Device(broker.url(), user, password, clientId, cleanStart);
        devices.add(device);
        return device;
    }

    /** The reason code of the broker's refusal of a connection; fails if it takes it. */
    private int refusal(String user, String password, String clientId) {
        MqttException refused = assertThrows(MqttException.class, () -> connect(user, password, clientId, true));
        return refused.getReasonCode();
    }

    /** A device: a Paho client logged in with its credentials, and the topics of the messages it received. */
    private static final class Device implements MessageCallback, AutoCloseable {
        final MqttAsyncClient paho;
        final List<String> received = new CopyOnWriteArrayList<>();
        private final String own;

        Device(String url, String user, String password, String clientId, boolean cleanStart) throws MqttException {
            paho = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            paho.setCallback(this);
            own = user == null ? "" : PREFIX + user + "/";
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(cleanStart);
            options.setSessionExpiryInterval(cleanStart ? 0L : 3600L);
            options.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
            if (user != null) {
                options.setUserName(user);
            }
            if (password != null) {
                options.setPassword(Devices.utf8(password));
            }
            try {
                paho.connect(options).waitForCompletion(10_000);
            } catch (MqttException e) {
                paho.close(true);
                throw e;
            }
        }

        void subscribe(String filter) throws MqttException {
            paho.subscribe(filter, 1).waitForCompletion(10_000);
        }

        /** Publishes on one of its own topics ({@code tele}, {@code ack/{id}}), at QoS 1, and fails unless taken. */
        void publish(String kind, String payload) throws MqttException {
            assertEquals(0, publishReason(own + kind, payload), "the broker refused " + own + kind);
        }

        /** Publishes at QoS 1 and returns the reason code of the broker's acknowledgement (0 for taken). */
        int publishReason(String topic, String payload) throws MqttException {
            IMqttToken token = paho.publish(topic, new MqttMessage(Devices.utf8(payload), 1, false, null));
            try {
                token.waitForCompletion(10_000);
            } catch (MqttException e) {
                return e.getReasonCode();
            }
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(topic);
        }

        @Override
        public void close() {
            try {
                if (paho.isConnected()) {
                    paho.disconnect().waitForCompletion(5_000);
                }
                paho.close(true);
            } catch (MqttException e) {
                // closing anyway
            }
        }
    }
}
