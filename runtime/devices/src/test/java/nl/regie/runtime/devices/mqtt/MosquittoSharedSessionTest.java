package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import nl.regie.runtime.testing.Mosquitto;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Debian's Mosquitto (2.0) does with a shared subscription's member that dies holding unacknowledged QoS 1
 * messages, as an edge does when it is killed: the messages stay in that member's persistent session (clean start off,
 * a session expiry) with its round-robin share of what arrives meanwhile, and are delivered when the same client id
 * connects again; the other member never gets them. So an edge restarted under the same client id loses nothing, and
 * until it is back its share waits (docs/scaling.md, "Nothing lost, nothing twice"). Should a Mosquitto version start
 * handing them to the other member, this test fails and the docs must change with it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MosquittoSharedSessionTest {

    private static final String SHARED = "$share/regie-edges/regie/v1/s/dev/+/tele";

    @TempDir
    Path tmp;
    private Mosquitto broker;
    private final List<MqttAsyncClient> clients = new CopyOnWriteArrayList<>();

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
    void aKilledMembersUnacknowledgedMessagesWaitForItsClientIdAndNeverGoToTheOtherMember() throws Exception {
        broker = Mosquitto.start(tmp);
        Member edge1 = new Member("edge-1", false);
        Member edge2 = new Member("edge-2", true);
        MqttAsyncClient device = connect("device");

        publish(device, 0, 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> edge1.received.size() + edge2.received.size() == 20);
        assertTrue(!edge1.received.isEmpty() && !edge2.received.isEmpty(), "both members took a share");
        Set<Integer> held = new TreeSet<>(edge1.received);

        // edge-1 dies holding what it received, unacknowledged (no DISCONNECT: a kill); the device goes on.
        edge1.client.disconnectForcibly(0, 500, false);
        edge1.client.close(true);
        clients.remove(edge1.client);
        publish(device, 20, 60);
        // edge-2 keeps taking its own share meanwhile.
        await().atMost(Duration.ofSeconds(10)).until(() -> edge2.received.size() > 10);

        // edge-1 is back under the same client id: it gets what it held and its share of what came meanwhile.
        Member back = new Member("edge-1", true);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Set<Integer> all = new HashSet<>(back.received);
            all.addAll(edge2.received);
            return all.size() == 60;
        });
        assertTrue(back.received.containsAll(held), "redelivered to the same client id: " + held + " in "
                + back.received);
        for (int n : held) {
            assertFalse(edge2.received.contains(n), "message " + n + ", held by the killed member, went to the other"
                    + " member: " + edge2.received);
        }
        List<Integer> twice = new ArrayList<>(edge2.received);
        twice.retainAll(back.received);
        assertEquals(List.of(), twice, "no message went to both members");
    }

    private void publish(MqttAsyncClient device, int from, int to) throws MqttException {
        for (int n = from; n < to; n++) {
            device.publish("regie/v1/s/dev/d" + (n % 3) + "/tele", new MqttMessage(Integer.toString(n)
                    .getBytes(StandardCharsets.UTF_8), 1, false, null)).waitForCompletion(10_000);
        }
    }

    private MqttAsyncClient connect(String clientId) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
        client.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        clients.add(client);
        return client;
    }

    /** A member of the shared group with a persistent session; acknowledges what it receives only if told to. */
    private final class Member implements MessageCallback {
        final List<Integer> received = new CopyOnWriteArrayList<>();
        final MqttAsyncClient client;
        private final boolean acknowledge;

        Member(String clientId, boolean acknowledge) throws MqttException {
            this.acknowledge = acknowledge;
            MqttAsyncClient made = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
            made.setCallback(this);
            made.setManualAcks(true);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(3600L);
            made.connect(options).waitForCompletion(10_000);
            clients.add(made);
            this.client = made;
            made.subscribe(SHARED, 1).waitForCompletion(10_000);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws MqttException {
            received.add(Integer.parseInt(new String(message.getPayload(), StandardCharsets.UTF_8)));
            if (acknowledge) {
                client.messageArrivedComplete(message.getId(), message.getQos());
            }
        }
    }
}
