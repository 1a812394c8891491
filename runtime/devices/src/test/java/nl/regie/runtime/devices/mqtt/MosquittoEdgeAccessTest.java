package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import nl.regie.mqtt.access.EdgeAccess;
import nl.regie.mqtt.access.FederationAccess;
import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;
import nl.regie.mqtt.access.Secrets;
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
 * The broker files {@link EdgeAccess} generates for a site with edges, in one ACL with the federation's
 * ({@link FederationAccess}), enforced by Debian's Mosquitto: a device's valid credentials cannot publish on the edge
 * wire, an edge's cannot publish on a device's topic or in another site's namespace, and the core hears only what
 * edges forward. Raw MQTT clients with the users' own valid passwords stand for a compromised device or edge.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MosquittoEdgeAccessTest {

    private static final String SITE = "demo";
    private static final String DEV = "regie/v1/demo/dev/";
    private static final String WIRE = "regie/v1/demo/edge/";
    /** Mosquitto 2.0 answers a publish the ACL does not allow with PUBACK 0x87, not authorized. */
    private static final int NOT_AUTHORIZED = 0x87;

    @TempDir
    Path tmp;
    private Mosquitto broker;
    private Map<String, String> passwords;
    private String devicePassword;
    private final List<MqttAsyncClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path access = tmp.resolve("access");
        SecureRandom random = new SecureRandom();
        Map<String, String> sites = FederationAccess.of(Map.of("demo", Set.of("gent"), "gent", Set.of("demo")))
                .write(access, random);
        passwords = new TreeMap<>(EdgeAccess.of(SITE, 2).write(access, random));
        passwords.put("regie-site-gent", sites.get("gent"));
        passwords.put("regie-site-demo", sites.get("demo"));
        // A device's credentials, as the runtime issues them: its id is its user name.
        devicePassword = Secrets.password(random);
        PasswordFile.read(access.resolve("passwd")).with("bin-1", PasswordHash.of(devicePassword, random))
                .write(access.resolve("passwd"));
        broker = Mosquitto.prepare(tmp, List.of("allow_anonymous false", "password_file " + access.resolve("passwd"),
                "acl_file " + access.resolve("acl")));
        broker.launch();
    }

    @AfterEach
    void stop() {
        for (MqttAsyncClient client : clients) {
            try {
                client.disconnectForcibly(0, 500, false);
                client.close(true);
            } catch (MqttException e) {
                // closing
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aDeviceCannotPublishOnTheEdgeWireAndTheCoreHearsOnlyTheEdges() throws Exception {
        List<String> core = subscribe(connect(EdgeAccess.coreUser(SITE)), WIRE + "+");
        MqttAsyncClient device = connect("bin-1", devicePassword, "bin-1");
        MqttAsyncClient edge = connect(EdgeAccess.edgeUser(SITE, 1));

        assertEquals(NOT_AUTHORIZED, publish(device, WIRE + "bin-1", "forged by the device"),
                "a device's valid credentials do not open the edge wire");
        assertEquals(NOT_AUTHORIZED, publish(device, WIRE + "bin-2", "forged by the device"));
        assertEquals(0, publish(device, DEV + "bin-1/tele", "its own telemetry"), "its own topic is open");
        assertEquals(0, publish(edge, WIRE + "bin-1", "forwarded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> core.size() == 1);
        // Only the edge's forward arrived: the device's two came before it on the same broker, had they passed.
        assertEquals(List.of(WIRE + "bin-1 forwarded"), core);
    }

    @Test
    void anEdgeCannotPublishInAnotherSitesNamespaceNorAsADevice() throws Exception {
        List<String> gent = subscribe(connect("regie-site-gent"), "regie/v1/+/share/gent/#");
        List<String> gentEdges = subscribe(connect(EdgeAccess.coreUser(SITE)), "regie/v1/+/edge/+");
        List<String> bridge = subscribe(connect(EdgeAccess.coreUser(SITE)), DEV + "+/state");
        MqttAsyncClient edge = connect(EdgeAccess.edgeUser(SITE, 2));

        assertEquals(NOT_AUTHORIZED, publish(edge, "regie/v1/gent/edge/bin-1", "into gent's edge wire"));
        assertEquals(NOT_AUTHORIZED, publish(edge, "regie/v1/demo/share/gent/WaterObserved/g1/waterLevel",
                "as this site's federation"));
        assertEquals(NOT_AUTHORIZED, publish(edge, "regie/v1/gent/share/gent/WaterObserved/g1/waterLevel",
                "as gent"));
        assertEquals(NOT_AUTHORIZED, publish(edge, DEV + "bin-1/tele", "as a device"));
        assertEquals(NOT_AUTHORIZED, publish(edge, DEV + "bin-1/state", "a device's presence"));
        assertEquals(NOT_AUTHORIZED, publish(edge, DEV + "bin-1/cmd/c1", "a command"));

        // The federation user of demo is still the one that may share; and the edge may still forward.
        MqttAsyncClient site = connect("regie-site-demo");
        assertEquals(0, publish(site, "regie/v1/demo/share/gent/WaterObserved/g1/waterLevel", "shared"));
        assertEquals(0, publish(edge, WIRE + "bin-1", "forwarded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gent.size() == 1 && gentEdges.size() == 1);
        assertEquals(List.of("regie/v1/demo/share/gent/WaterObserved/g1/waterLevel shared"), gent);
        assertEquals(List.of(WIRE + "bin-1 forwarded"), gentEdges);
        assertEquals(List.of(), bridge);
    }

    @Test
    void anEdgeTakesItsShareOfTheTelemetryAndNoCommands() throws Exception {
        MqttAsyncClient edge = connect(EdgeAccess.edgeUser(SITE, 1));
        List<String> share = subscribe(edge, "$share/regie-edges/" + DEV + "+/tele");
        List<String> commands = subscribe(connect(EdgeAccess.edgeUser(SITE, 2)), DEV + "+/cmd/+");
        MqttAsyncClient core = connect(EdgeAccess.coreUser(SITE));
        MqttAsyncClient device = connect("bin-1", devicePassword, "bin-1");
        List<String> deviceCommands = subscribe(device, DEV + "bin-1/cmd/+");
        assertEquals(0, publish(core, DEV + "bin-1/cmd/c1", "open"));
        assertEquals(0, publish(device, DEV + "bin-1/tele", "pack"));
        await().atMost(Duration.ofSeconds(10)).until(() -> share.size() == 1 && deviceCommands.size() == 1);
        assertEquals(List.of(DEV + "bin-1/tele pack"), share);
        // Mosquitto takes any subscription and checks each message as it delivers it: the command came first.
        assertEquals(List.of(), commands);
    }

    @Test
    void aWrongPasswordOrAnotherEdgesPasswordIsRefused() {
        for (String[] login : new String[][] {{EdgeAccess.edgeUser(SITE, 1), passwords.get(EdgeAccess.edgeUser(SITE, 2))},
                {EdgeAccess.coreUser(SITE), "guess"}, {EdgeAccess.edgeUser(SITE, 3), "guess"}}) {
            MqttException e = assertThrows(MqttException.class,
                    () -> connect(login[0], login[1], login[0]));
            assertEquals(NOT_AUTHORIZED, e.getReasonCode(), login[0] + ": " + e);
        }
    }

    private MqttAsyncClient connect(String user) throws MqttException {
        return connect(user, passwords.get(user), user + "-" + clients.size());
    }

    private MqttAsyncClient connect(String user, String password, String clientId) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(user);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        try {
            client.connect(options).waitForCompletion(10_000);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        clients.add(client);
        return client;
    }

    /** Subscribes a client (once) and returns what it receives, each as its topic and payload. */
    private static List<String> subscribe(MqttAsyncClient client, String filter) throws MqttException {
        List<String> received = new CopyOnWriteArrayList<>();
        client.setCallback((MessageCallback) (topic, message) -> received.add(topic + " "
                + new String(message.getPayload(), StandardCharsets.UTF_8)));
        client.subscribe(filter, 1).waitForCompletion(10_000);
        return received;
    }

    /** Publishes at QoS 1 and returns the reason code of the broker's refusal, or 0 when it took it. */
    private static int publish(MqttAsyncClient client, String topic, String payload) throws MqttException {
        IMqttToken token = client.publish(topic, new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false,
                null));
        try {
            token.waitForCompletion(10_000);
        } catch (MqttException e) {
            return e.getReasonCode();
        }
        int[] codes = token.getReasonCodes();
        // 0x10 (no matching subscribers) is taken too.
        return codes == null || codes.length == 0 || codes[0] < 0x80 ? 0 : codes[0];
    }
}
