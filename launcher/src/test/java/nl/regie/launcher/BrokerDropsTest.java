package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import nl.regie.launcher.MqttTraffic.Client;
import nl.regie.launcher.broker.BrokerAccess;
import nl.regie.launcher.broker.BrokerLogins;
import nl.regie.launcher.broker.EmbeddedBroker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker's drops, counted by reason, on a real broker: a persistent subscriber that is away while more
 * is published than its queue holds.
 */
class BrokerDropsTest {

    @TempDir
    Path tmp;

    @Test
    void whatAnAbsentSubscribersFullQueueCannotTakeIsCountedAsQueueFull() throws Exception {
        BrokerLogins logins = BrokerLogins.random(new SecureRandom());
        BrokerAccess access = new BrokerAccess("demo", tmp.resolve("passwd"), logins, message -> { });
        EmbeddedBroker.Limits limits = new EmbeddedBroker.Limits(1_000, 1_000, 1024 * 1024);
        try (EmbeddedBroker broker = new EmbeddedBroker("127.0.0.1", freePort(), limits, access)) {
            broker.start(Duration.ofSeconds(60));
            Map<String, Long> none = broker.droppedByReason();
            assertEquals(0L, none.get("queue_full"), none::toString);
            assertEquals(0L, none.values().stream().mapToLong(Long::longValue).sum(), "nothing dropped yet: " + none);

            String tele = "regie/v1/demo/dev/bin-1/tele";
            // The runtime's bridge: a persistent session that subscribes, then goes away; its queue keeps 1,000.
            try (Client bridge = MqttTraffic.connect(broker.url(), "regie-demo", false, null, logins.bridge().username(),
                    logins.bridge().password())) {
                bridge.subscribe("regie/v1/demo/dev/+/tele", 1);
            }
            try (Client city = MqttTraffic.connect(broker.url(), "sim-1", true, null, logins.simulator().username(),
                    logins.simulator().password())) {
                for (int i = 0; i < 1_250; i++) {
                    city.publish(tele, "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-1:fillingLevel\",\"v\":0.5}]", 1, false);
                }
            }
            Map<String, Long> dropped = broker.droppedByReason();
            assertEquals(250L, dropped.get("queue_full"), "the 250 beyond the queue's 1,000: " + dropped);
            assertEquals(250L, broker.droppedMessages(), "HiveMQ's own count agrees");
            assertEquals(0L, dropped.get("other"), dropped::toString);
            assertEquals(List.of("queue_full", "qos0_memory", "not_writable", "too_large", "extension",
                    "internal_error", "other"), List.copyOf(dropped.keySet()), "a fixed set of reasons");
            assertTrue(dropped.values().stream().allMatch(count -> count >= 0), dropped::toString);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
