package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import nl.regie.launcher.MqttTraffic.Client;
import nl.regie.launcher.MqttTraffic.Received;
import nl.regie.launcher.broker.BrokerLogins;
import nl.regie.mqtt.access.CredentialFiles;
import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A city runtime never phones home: the embedded broker, started exactly as the launcher starts it
 * ({@link MqttBroker#start} with the launcher's parsed options), listens on loopback only and, while MQTT traffic of
 * every kind runs through it (QoS 0 and 1, a persistent session, retained messages, a will), opens no connection
 * that leaves this machine. Two independent checks: the kernel's socket tables for this process, polled every few
 * milliseconds before, during and after ({@link SocketWatch}), and every connect and look-up Java code attempts
 * ({@link ConnectRecorder}).
 */
class BrokerStaysOnLoopbackTest {

    @TempDir
    Path workingDir;

    @Test
    void theEmbeddedBrokerListensOnLoopbackOnlyAndConnectsNowhereElse() throws Exception {
        assumeTrue(SocketWatch.supported(), "needs Linux's /proc/net tables");
        int port = freePort();
        LauncherOptions options = LauncherOptions.parse(List.of("--mqtt-port", Integer.toString(port), "--site", "test"),
                workingDir);
        // One device with credentials, as the runtime would have given it.
        PasswordFile.empty().with("bin-1", PasswordHash.of("bin-1-secret", new SecureRandom()))
                .write(CredentialFiles.passwordFile(options.stateDir()));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ConsoleLog console = new ConsoleLog(new PrintStream(log, true, StandardCharsets.UTF_8),
                new PrintStream(log, true, StandardCharsets.UTF_8), false);

        long pid = ProcessHandle.current().pid();
        List<SocketWatch.Entry> before = SocketWatch.snapshot(pid);
        ConnectRecorder recorder = ConnectRecorder.install();
        SocketWatch watch = SocketWatch.start(pid);
        try {
            try (MqttBroker broker = MqttBroker.start(options, console)) {
                assertEquals("tcp://127.0.0.1:" + port, broker.url());
                assertEquals(options.mqttUrl(), broker.url(), "the URL the runtime is given");
                runTraffic(broker.url(), broker.logins().orElseThrow().bridge());
            }
        } finally {
            watch.close();
            if (recorder != null) {
                recorder.uninstall();
            }
        }

        assertEquals(List.of(), watch.problems());
        Set<SocketWatch.Entry> leaks = new HashSet<>(watch.leaks());
        before.forEach(leaks::remove); // what the test JVM had open before the broker started is not the broker's
        assertEquals(Set.of(), leaks, "connections that left loopback");
        List<SocketWatch.Entry> listening = watch.listening().stream().filter(e -> !before.contains(e)).toList();
        assertTrue(listening.stream().anyMatch(e -> e.localPort() == port), "the broker was seen listening: " + listening);
        for (SocketWatch.Entry entry : listening) {
            assertTrue(SocketWatch.loopback(entry.local()), "listens beyond loopback: " + entry);
        }
        assertTrue(watch.seen().stream().anyMatch(e -> e.state().equals("ESTABLISHED") && e.remotePort() == port),
                "the watch saw the test's own connections to the broker");
        if (recorder != null) {
            assertEquals(List.of(), recorder.connects(), "connections attempted beyond loopback");
            assertEquals(List.of(), recorder.lookups(), "host names looked up");
        }
        String printed = log.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains(" ERROR "), printed);
    }

    /** A device with a will, a persistent subscriber, QoS 0 and 1, a retained birth, a crash; each logged in. */
    private static void runTraffic(String url, BrokerLogins.Login bridge) throws Exception {
        String tele = "regie/v1/test/dev/bin-1/tele";
        String state = "regie/v1/test/dev/bin-1/state";
        List<Received> got = new ArrayList<>();
        try (Client runtime = MqttTraffic.connect(url, "regie-test", false, null, bridge.username(), bridge.password())) {
            runtime.subscribe("regie/v1/test/dev/+/tele", 1);
            runtime.subscribe("regie/v1/test/dev/+/state", 1);
            try (Client device = MqttTraffic.connect(url, "bin-1", true, state, "bin-1", "bin-1-secret")) {
                device.publish(state, "{\"online\": true}", 1, true);
                for (int i = 0; i < 200; i++) {
                    device.publish(tele, "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-1:fillingLevel\",\"v\":" + i / 200.0 + "}]",
                            i % 2, false);
                }
                device.crash();
                while (got.size() < 202) {
                    Received next = runtime.next(MqttTraffic.TIMEOUT);
                    assertNotNull(next, "only " + got.size() + " of 202 messages arrived");
                    got.add(next);
                }
            }
            assertEquals(List.of(), runtime.problems);
        }
        assertEquals("{\"online\": true}", got.get(0).payload());
        assertEquals(200, got.stream().filter(r -> r.topic().equals(tele)).count());
        assertEquals("{\"online\": false}", got.get(got.size() - 1).payload(), "the will, after the crash");

        try (Client late = MqttTraffic.connect(url, "regie-late-reader", true, null, bridge.username(), bridge.password())) {
            late.subscribe(state, 1);
            Received retained = late.next(MqttTraffic.TIMEOUT);
            assertNotNull(retained, "the retained state");
            assertTrue(retained.retained());
            assertEquals("{\"online\": false}", retained.payload());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theRecorderCatchesAndRefusesAConnectionBeyondLoopback() throws Exception {
        ConnectRecorder recorder = ConnectRecorder.install();
        assumeTrue(recorder != null, "this JDK allows no security manager");
        try (Socket socket = new Socket()) {
            // TEST-NET-1 (RFC 5737): the recorder refuses before a packet is sent.
            SecurityException refused = assertThrows(SecurityException.class,
                    () -> socket.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 9), 100));
            assertTrue(refused.getMessage().contains("192.0.2.1:9"), refused.getMessage());
        } finally {
            recorder.uninstall();
        }
        assertEquals(List.of("192.0.2.1:9"), recorder.connects());
    }

    @Test
    void readsTheKernelsAddressFormat() {
        assertEquals("127.0.0.1", SocketWatch.address("0100007F").getHostAddress());
        assertEquals("10.1.2.3", SocketWatch.address("0302010A").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", SocketWatch.address("00000000000000000000000001000000").getHostAddress());
        assertTrue(SocketWatch.loopback(SocketWatch.address("0000000000000000FFFF00000100007F")), "::ffff:127.0.0.1");
        assertFalse(SocketWatch.loopback(SocketWatch.address("0000000000000000FFFF00000302010A")), "::ffff:10.1.2.3");

        Set<Long> mine = Set.of(4242L);
        SocketWatch.Entry out = SocketWatch.parse("tcp",
                "   3: 0F02000A:A1B2 22D8B85D:01BB 02 00000000:00000000 00:00000000 00000000     0        0 4242 1 0", mine);
        assertNotNull(out);
        assertEquals("SYN_SENT", out.state());
        assertEquals(443, out.remotePort());
        assertTrue(out.leavesLoopback(), out.toString());
        SocketWatch.Entry listen = SocketWatch.parse("tcp",
                "   0: 0100007F:075B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0", mine);
        assertNotNull(listen);
        assertTrue(listen.listening());
        assertEquals(1883, listen.localPort());
        assertFalse(listen.leavesLoopback());
        assertEquals(null, SocketWatch.parse("tcp",
                "   1: 0100007F:075B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0", mine),
                "another process's socket");
        assertTrue(ConnectRecorder.loopback("localhost"));
        assertTrue(ConnectRecorder.loopback("[::1]"));
        assertFalse(ConnectRecorder.loopback("telemetry.moquette.io"));
    }
}
