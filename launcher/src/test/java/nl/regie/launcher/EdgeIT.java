package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import nl.regie.mqtt.access.EdgeAccess;
import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A site whose device ingest is split (issue 15, item 6): Debian's Mosquitto with a password file and an ACL, one
 * {@code --role core} launcher and two {@code --role edge} launchers. Devices, each on its own credentials, publish
 * SenML packs; the edges share them through the shared subscription and forward them; the core's bus (seen through
 * its live stream) gets every reading once, in each device's order. One edge is killed ({@code kill -9}) in the
 * middle of the stream and started again, as a service manager would: nothing is lost and nothing arrives twice
 * (Mosquitto 2.0 keeps what the dead edge had not acknowledged, and its share meanwhile, in its session until it is
 * back). The broker's password file and ACL are the ones {@link EdgeAccess} generates: a device that publishes on the
 * edge topics, posing as an edge, is refused by the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Odd, so that Mosquitto's round robin over two edges gives each device's packs to both in turn. */
    private static final int DEVICES = 5;
    private static final int BEFORE = 30;
    private static final int TOTAL = 90;
    private static final int KILL_AT = 45;
    private static final Pattern CHANGE = Pattern.compile("\"id\":\"urn:ngsi-ld:WasteContainer:(bin-\\d+)\"");

    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> passwords = new TreeMap<>();
    private Path dir;
    private SharedBroker broker;
    private LauncherProcess core;
    private final LauncherProcess[] edges = new LauncherProcess[2];
    private HttpApi coreApi;
    private long base;

    @BeforeAll
    void start() throws Exception {
        SharedBroker.assumeInstalled();
        dir = TempFolders.create("regie-edge");
        broker = new SharedBroker(dir, dir);
        // The core's and the edges' credentials and ACL as the operator makes them (docs/scaling.md); each device's
        // password line as the runtime issues it.
        passwords.putAll(EdgeAccess.of("demo", edges.length).write(dir, random));
        PasswordFile users = PasswordFile.read(dir.resolve("passwd"));
        for (int d = 0; d < DEVICES; d++) {
            String password = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
            passwords.put("bin-" + d, password);
            users = users.with("bin-" + d, PasswordHash.of(password, random));
        }
        users.write(dir.resolve("passwd"));
        broker.start();

        // The hold covers how much later one edge may forward a device's earlier pack than another its next one: on
        // this shared 2-core machine that was more than the default 500 ms at times (JIT, other builds).
        Files.writeString(Files.createDirectories(dir.resolve("core/config")).resolve("nl.regie.runtime.mqtt.cfg"),
                "edge.holdMillis = 2000\n", StandardCharsets.UTF_8);
        int http = freePort();
        core = LauncherProcess.start(Files.createDirectories(dir.resolve("core")), "--config",
                options("core", EdgeAccess.coreUser("demo")).toString(), "--site", "demo", "--no-simulator",
                "--http-port", Integer.toString(http), "--config-dir", dir.resolve("core/config").toString(),
                "--plugins", Files.createDirectories(dir.resolve("core/plugins")).toString(),
                "--state-dir", dir.resolve("core/state").toString());
        core.awaitStdout(line -> line.startsWith("Regie ready"), WAIT);
        coreApi = new HttpApi(http, core.operatorToken());
        for (int i = 0; i < edges.length; i++) {
            edges[i] = startEdge(i + 1);
        }
        base = Instant.now().getEpochSecond() - 3600;
    }

    /** A launcher options file (the MQTT credentials are read from a file only). */
    private Path options(String role, String user) throws IOException {
        Path file = dir.resolve(user + "-launcher.properties");
        Files.writeString(file, String.join("\n", "role = " + role, "broker = " + broker.url(),
                "mqtt-username = " + user, "mqtt-password = " + passwords.get(user), ""), StandardCharsets.UTF_8);
        return file;
    }

    private LauncherProcess startEdge(int n) throws Exception {
        String user = EdgeAccess.edgeUser("demo", n);
        Path config = Files.createDirectories(dir.resolve("edge-" + n + "/config"));
        Files.writeString(config.resolve("nl.regie.runtime.mqtt.cfg"), "clientId = " + user + "\nedge.window = 100\n"
                + "reconnectMaxSeconds = 2\n", StandardCharsets.UTF_8);
        LauncherProcess edge = LauncherProcess.start(Files.createDirectories(dir.resolve("edge-" + n)), "--config",
                options("edge", user).toString(), "--site", "demo", "--config-dir", config.toString(),
                "--state-dir", dir.resolve("edge-" + n + "/state").toString());
        edge.awaitStdout(line -> line.startsWith("Regie ready"), WAIT);
        edge.awaitStdout(line -> line.contains("Edge connected to"), WAIT);
        return edge;
    }

    @AfterAll
    void stopAll() {
        for (LauncherProcess edge : edges) {
            if (edge != null) {
                edge.close();
            }
        }
        if (core != null) {
            core.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void twoEdgesFeedTheCoreEveryReadingOnceInEachDevicesOrderThroughAKilledEdge() throws Exception {
        String edgeReady = edges[0].stdout().stream().filter(l -> l.startsWith("Regie ready")).findFirst().orElseThrow();
        assertTrue(edgeReady.contains("HTTP off") && edgeReady.contains("plugins off"),
                "an edge runs no plugins and serves nothing: " + edgeReady);
        List<MqttTraffic.Client> devices = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            devices.add(MqttTraffic.connect(broker.url(), "bin-" + d, true, null, "bin-" + d,
                    passwords.get("bin-" + d)));
        }
        try (HttpApi.EventStream stream = coreApi.stream("/api/stream?type=WasteContainer")) {
            assertEquals(200, stream.response().statusCode());
            Map<String, List<Integer>> seen = new TreeMap<>();
            AtomicInteger count = new AtomicInteger();

            // A device posing as an edge: the broker refuses it, and the core never hears of it.
            String forged = "{\"v\":1,\"pack\":\"bin-0-0123456789abcdef0123456789abcdef\",\"readings\":[{\"entity\":"
                    + "\"urn:ngsi-ld:WasteContainer:bin-0\",\"attribute\":\"fillingLevel\",\"value\":999,\"unit\":\"/\","
                    + "\"observedAt\":\"" + Instant.ofEpochSecond(base + 10_000) + "\",\"receivedAt\":\""
                    + Instant.ofEpochSecond(base + 10_000) + "\"}]}";
            assertEquals(0x87, devices.get(0).publishReason("regie/v1/demo/edge/bin-0", forged),
                    "a device may not publish on the edge topics");

            publish(devices, 0, BEFORE);
            collect(stream, seen, count, DEVICES * BEFORE);
            for (int d = 0; d < DEVICES; d++) {
                assertEquals(range(0, BEFORE), seen.get("bin-" + d), "bin-" + d + ": every reading once, in order");
            }
            for (LauncherProcess edge : edges) {
                assertTrue(edge.stdout().stream().anyMatch(l -> l.contains("Edge forwarded its first pack")),
                        "each edge took a share of the devices' packs");
            }

            // The rest is published while one edge is killed in the middle of the stream, then started again.
            // Devices report every 100 ms from here on, so that the kill lands in the middle of the stream.
            CompletableFuture<Void> publishing = new CompletableFuture<>();
            AtomicInteger next = new AtomicInteger(BEFORE);
            ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
            clock.scheduleAtFixedRate(() -> {
                int n = next.getAndIncrement();
                try {
                    if (n < TOTAL) {
                        publish(devices, n, n + 1);
                    } else {
                        publishing.complete(null);
                    }
                } catch (Exception e) {
                    publishing.completeExceptionally(e);
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            try {
                collect(stream, seen, count, DEVICES * KILL_AT);
                assertFalse(publishing.isDone(), "the devices were still reporting when the edge was killed");
                assertEquals(137, edges[0].kill(WAIT), "kill -9");
                publishing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                clock.shutdownNow();
            }
            edges[0] = startEdge(1);
            collect(stream, seen, count, DEVICES * TOTAL);

            long late = late();
            int outOfOrder = 0;
            for (int d = 0; d < DEVICES; d++) {
                List<Integer> values = seen.get("bin-" + d);
                List<Integer> sorted = new ArrayList<>(values);
                sorted.sort(null);
                assertEquals(range(0, TOTAL), sorted, "bin-" + d + ": every reading once: " + values);
                for (int i = 1; i < values.size(); i++) {
                    if (values.get(i) < values.get(i - 1)) {
                        outOfOrder++;
                    }
                }
            }
            assertTrue(outOfOrder <= late, "out of order only what the core counted late (redelivered after the kill):"
                    + " " + outOfOrder + " out of order, " + late + " late; " + seen);
            assertFalse(seen.values().stream().anyMatch(v -> v.contains(999)), "the forged pack never arrived");
            assertEquals(DEVICES * TOTAL, count.get(), "nothing twice");
            System.out.println("EdgeIT: " + late + " packs redelivered after the kill came late; " + outOfOrder
                    + " readings out of their device's order");
        } finally {
            for (MqttTraffic.Client device : devices) {
                device.close();
            }
        }
    }

    /** Each device publishes its packs {@code from} to {@code to}, one second apart, value = the pack's number. */
    private void publish(List<MqttTraffic.Client> devices, int from, int to) throws Exception {
        for (int n = from; n < to; n++) {
            for (int d = 0; d < devices.size(); d++) {
                devices.get(d).publish("regie/v1/demo/dev/bin-" + d + "/tele", String.format(Locale.ROOT,
                        "[{\"bn\":\"urn:ngsi-ld:WasteContainer:bin-%d:\",\"bt\":%d,\"n\":\"fillingLevel\",\"u\":\"/\","
                                + "\"v\":%d}]", d, base + n, n), 1, false);
            }
        }
    }

    /** Reads the stream until {@code total} readings came, each device's values in the order they came. */
    private static void collect(HttpApi.EventStream stream, Map<String, List<Integer>> seen, AtomicInteger count,
            int total) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (count.get() < total) {
            long left = deadline - System.nanoTime();
            HttpApi.Event event = stream.next(Duration.ofNanos(Math.max(left, 1))).orElseThrow(() -> new AssertionError(
                    "only " + count.get() + " of " + total + " readings reached the core's bus: " + seen));
            if (!"change".equals(event.name())) {
                throw new AssertionError("the stream sent " + event + ": it lost track (" + seen + ")");
            }
            JsonNode change = HttpApi.parse(event.data());
            if (!"fillingLevel".equals(change.path("attribute").asText())) {
                continue;
            }
            Matcher device = CHANGE.matcher(event.data());
            assertTrue(device.find(), event::toString);
            seen.computeIfAbsent(device.group(1), k -> new ArrayList<>()).add(change.path("value").asInt());
            count.incrementAndGet();
        }
    }

    private long late() {
        String metrics = coreApi.get("/metrics").body();
        Matcher late = Pattern.compile("(?m)^regie_edge_late_total (\\d+)").matcher(metrics);
        assertTrue(late.find(), "the core counts late packs: " + metrics);
        return Long.parseLong(late.group(1));
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
