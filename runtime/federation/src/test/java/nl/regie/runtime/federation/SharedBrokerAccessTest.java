package nl.regie.runtime.federation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.mqtt.access.FederationAccess;
import nl.regie.runtime.testing.Mosquitto;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password file and ACL the generator writes from the sites' policies, enforced by Debian's Mosquitto: a site
 * publishes only in its own namespace and reads only what is addressed to it, even with a raw MQTT client and its own
 * valid credentials (a compromised runtime).
 */
class SharedBrokerAccessTest {

    @TempDir
    Path dir;
    private Mosquitto broker;
    private Map<String, String> passwords;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void broker() throws Exception {
        Path access = dir.resolve("access");
        passwords = FederationAccess.of(Map.of("roeselare", Set.of("gent", "waterboard"),
                "gent", Set.of("roeselare"), "waterboard", Set.of("roeselare"))).write(access, new SecureRandom());
        broker = Mosquitto.prepare(dir, List.of("allow_anonymous false",
                "password_file " + access.resolve("passwd"), "acl_file " + access.resolve("acl")));
        broker.launch();
    }

    @AfterEach
    void stop() {
        for (MqttClient client : clients) {
            try {
                client.disconnectForcibly(0, 500);
                client.close(true);
            } catch (MqttException e) {
                // closing
            }
        }
        broker.close();
    }

    @Test
    void theGeneratorWritesOneCredentialsFilePerSiteThatTheLinkReads() throws Exception {
        Credentials gent = Credentials.read(dir.resolve("access/gent.credentials"));
        assertEquals("regie-site-gent", gent.username());
        assertEquals(passwords.get("gent"), gent.password());
        String acl = Files.readString(dir.resolve("access/acl"), StandardCharsets.UTF_8);
        assertTrue(acl.contains("user regie-site-gent\ntopic write regie/v1/gent/share/#\n"
                + "topic read regie/v1/+/share/gent/#\n"), acl);
    }

    @Test
    void aSiteCannotPublishInAnotherSitesNamespace() throws Exception {
        List<String> gentInbox = subscribe("gent", "regie/v1/+/share/gent/#");
        MqttClient roeselare = connect("roeselare");
        // Its own namespace: arrives.
        publish(roeselare, "regie/v1/roeselare/share/gent/WaterObserved/g1/waterLevel");
        await().atMost(Duration.ofSeconds(5)).until(() -> gentInbox.size() == 1);
        // Speaking as the water board, with Roeselare's valid credentials: the broker refuses it (Mosquitto answers
        // PUBACK 0x87, which Paho may raise; either way it must not arrive).
        try {
            publish(roeselare, "regie/v1/waterboard/share/gent/WaterObserved/g1/waterLevel");
        } catch (MqttException e) {
            assertEquals(0x87, e.getReasonCode(), e.toString());
        }
        if (!roeselare.isConnected()) {
            roeselare = connect("roeselare");
        }
        // Speaking as Roeselare once more, after it: only this one arrives, so the one before did not.
        publish(roeselare, "regie/v1/roeselare/share/gent/WaterObserved/g2/waterLevel");
        await().atMost(Duration.ofSeconds(5)).until(() -> gentInbox.size() == 2);
        assertEquals(List.of("regie/v1/roeselare/share/gent/WaterObserved/g1/waterLevel",
                "regie/v1/roeselare/share/gent/WaterObserved/g2/waterLevel"), gentInbox);
    }

    @Test
    void aSiteCannotReadWhatIsAddressedToAnother() throws Exception {
        List<String> snooped = subscribe("gent", "regie/v1/+/share/waterboard/#");
        List<String> waterboardInbox = subscribe("waterboard", "regie/v1/+/share/waterboard/#");
        MqttClient roeselare = connect("roeselare");
        publish(roeselare, "regie/v1/roeselare/share/waterboard/WaterObserved/g1/waterLevel");
        await().atMost(Duration.ofSeconds(5)).until(() -> waterboardInbox.size() == 1);
        assertEquals(List.of(), snooped);
    }

    @Test
    void aWrongPasswordIsRefused() {
        MqttException e = assertThrows(MqttException.class, () -> connect("gent", "not-the-password"));
        assertTrue(e.getReasonCode() == 0x86 || e.getReasonCode() == 0x87 || e.getReasonCode() == 4
                || e.getReasonCode() == 5, "reason code " + e.getReasonCode());
    }

    private MqttClient connect(String site) throws MqttException {
        return connect(site, passwords.get(site));
    }

    private MqttClient connect(String site, String password) throws MqttException {
        MqttClient client = new MqttClient(broker.url(), "raw-" + site + "-" + clients.size(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(FederationAccess.user(site));
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        clients.add(client);
        return client;
    }

    private List<String> subscribe(String site, String filter) throws MqttException {
        List<String> topics = new CopyOnWriteArrayList<>();
        MqttClient client = connect(site);
        IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> topics.add(topic)});
        token.waitForCompletion(5000);
        return topics;
    }

    private static void publish(MqttClient client, String topic) throws MqttException {
        MqttMessage message = new MqttMessage("{}".getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
    }
}
