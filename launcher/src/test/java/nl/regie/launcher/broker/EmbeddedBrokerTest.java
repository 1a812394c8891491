package nl.regie.launcher.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerTest {

    private static final BrokerLogins LOGINS = BrokerLogins.random(new java.security.SecureRandom());

    @TempDir
    Path tmp;

    private BrokerAccess access() {
        return new BrokerAccess("demo", tmp.resolve("passwd"), LOGINS, message -> { });
    }

    @Test
    void itsConfigurationKeepsItOnLoopbackInMemoryWithoutStatisticsAndWithRaisedLimits() {
        String xml = new EmbeddedBroker("127.0.0.1", 1883, access()).configXml("127.0.0.1");
        assertTrue(xml.contains("<bind-address>127.0.0.1</bind-address>"), xml);
        assertTrue(xml.contains("<port>1883</port>"), xml);
        assertEquals(1, count(xml, "<tcp-listener>"), "one listener");
        assertFalse(xml.contains("websocket") || xml.contains("tls"), xml);
        assertTrue(xml.contains("<anonymous-usage-statistics>\n        <enabled>false</enabled>"), xml);
        assertTrue(xml.contains("<mode>in-memory</mode>"), xml);
        assertTrue(xml.contains("<max-queue-size>100000</max-queue-size>"), xml);
        assertTrue(xml.contains("<server-receive-maximum>1000</server-receive-maximum>"), xml);
    }

    @Test
    void aSmallHeapGetsQueuesThatTakeASixteenthOfItAtMost() {
        long mib = 1024 * 1024;
        assertEquals(new EmbeddedBroker.Limits(12_288, 1_000, 6 * 1024 * 1024), EmbeddedBroker.Limits.forHeap(96 * mib),
                "-Xmx96m: 6 MiB for one client's queue, at 512 bytes a message");
        assertEquals(new EmbeddedBroker.Limits(20_480, 1_000, 10 * 1024 * 1024), EmbeddedBroker.Limits.forHeap(160 * mib));
        assertEquals(EmbeddedBroker.Limits.REGIE, EmbeddedBroker.Limits.forHeap(1024 * mib), "a large heap: Regie's own");
        assertEquals(EmbeddedBroker.Limits.REGIE, EmbeddedBroker.Limits.forHeap(Long.MAX_VALUE));
        assertEquals(new EmbeddedBroker.Limits(1_000, 1_000, 1024 * 1024), EmbeddedBroker.Limits.forHeap(1),
                "never below 1,000 messages and 1 MiB");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddedBroker.Limits.forHeap(0));
        assertEquals("maxHeapBytes must be positive, not 0", e.getMessage());
        String xml = new EmbeddedBroker("127.0.0.1", 1883, EmbeddedBroker.Limits.forHeap(96 * mib), access())
                .configXml("127.0.0.1");
        assertTrue(xml.contains("<max-queue-size>12288</max-queue-size>"), xml);
    }

    @Test
    void aTakenPortIsNamedWithTheFlagThatChangesIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            BrokerException e = assertThrows(BrokerException.class, () -> EmbeddedBroker.ensureFree("127.0.0.1", port, "--mqtt-port"));
            assertEquals("MQTT port " + port + " on 127.0.0.1 is not available: Address already in use (choose another"
                    + " with --mqtt-port)", e.getMessage());
        }
    }

    @Test
    void startsListensCountsAndLeavesNothingBehind() throws Exception {
        int port = freePort();
        Thread.UncaughtExceptionHandler uncaught = Thread.getDefaultUncaughtExceptionHandler();
        BrokerAccess access = access();
        EmbeddedBroker broker = new EmbeddedBroker("127.0.0.1", port, access);
        Path folder;
        try {
            broker.start(Duration.ofSeconds(60));
            assertEquals("tcp://127.0.0.1:" + port, broker.url());
            assertThrows(BrokerException.class, () -> EmbeddedBroker.ensureFree("127.0.0.1", port, "--mqtt-port"),
                    "it listens");
            assertEquals(0, broker.droppedMessages());
            assertEquals(0, broker.subscriptions());
            assertFalse(broker.awaitSubscriptions(1, Duration.ofMillis(50)));
            assertTrue(broker.counters().containsKey("com.hivemq.messages.dropped.count"), broker.counters().toString());
            folder = broker.folder();
            assertTrue(Files.isRegularFile(folder.resolve("conf/config.xml")), "its folder");
            assertEquals(0, topicAliasMaximum(broker.url(), LOGINS.bridge()), "topic aliases are off (Paho resends"
                    + " aliased publishes without their topic after a reconnect)");
            assertThrows(IllegalStateException.class, () -> broker.start(Duration.ofSeconds(1)));
        } finally {
            broker.close();
            broker.close(); // twice is fine
        }
        EmbeddedBroker.ensureFree("127.0.0.1", port, "--mqtt-port"); // the port is free again
        assertFalse(Files.exists(folder), "the folder is deleted");
        assertEquals(uncaught, Thread.getDefaultUncaughtExceptionHandler(), "HiveMQ's JVM-wide handler is taken back");
    }

    @Test
    void aFolderItIsGivenIsClearedOfWhatAKilledBrokerLeftAndDeletedOnClose() throws Exception {
        Path home = tmp.resolve("state/broker-home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/config.xml"), "<hivemq>left by a broker killed with its JVM</hivemq>");
        Files.writeString(home.resolve("left-over"), "x");
        EmbeddedBroker broker = new EmbeddedBroker("127.0.0.1", freePort(), EmbeddedBroker.Limits.REGIE, access(), home);
        try {
            broker.start(Duration.ofSeconds(60));
            assertEquals(home, broker.folder());
            assertFalse(Files.exists(home.resolve("left-over")), "what was there is gone");
            assertTrue(Files.readString(home.resolve("conf/config.xml")).contains("<listeners>"), "its own config");
        } finally {
            broker.close();
        }
        assertFalse(Files.exists(home), "the folder is deleted");
        assertTrue(Files.isDirectory(tmp.resolve("state")), "not what holds it");
    }

    /** The topic alias maximum the broker grants an MQTT 5 client in its CONNACK (absent means 0). */
    private static int topicAliasMaximum(String url, BrokerLogins.Login login) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(url, "regie-alias-probe", new MemoryPersistence());
        try {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setUserName(login.username());
            options.setPassword(login.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            IMqttToken connect = client.connect(options);
            connect.waitForCompletion(10_000);
            Integer maximum = connect.getResponseProperties().getTopicAliasMaximum();
            client.disconnect().waitForCompletion(10_000);
            return maximum == null ? 0 : maximum;
        } finally {
            client.close();
        }
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
