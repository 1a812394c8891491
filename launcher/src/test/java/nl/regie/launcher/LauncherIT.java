package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import nl.regie.launcher.broker.BrokerAccess;
import nl.regie.launcher.broker.BrokerLogins;
import nl.regie.launcher.broker.EmbeddedBroker;

import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The launcher jar end to end, as a user runs it: {@code java -jar regie-launcher.jar} in a child process, on free
 * loopback ports (HTTP and MQTT), with a plugins folder of its own. Where it runs long enough, the launcher's sockets
 * are watched throughout: it must listen on loopback only and open no connection beyond it.
 */
class LauncherIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final String BRIDGE_SECRET = "the-bridge's-secret-for-the-external-broker";

    @TempDir
    Path workingDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<LauncherProcess> launched = new ArrayList<>();
    private final List<SocketWatch> watches = new ArrayList<>();

    @AfterEach
    void stopWhatIsStillRunning() {
        for (LauncherProcess process : launched) {
            process.close();
        }
        watches.forEach(SocketWatch::close);
    }

    @Test
    void startsServesHotDeploysAPluginAndStopsCleanly() throws Exception {
        int port = freePort();
        int mqttPort = freePort();
        Path plugins = workingDir.resolve("plugins");
        LauncherProcess regie = launch("--http-port", Integer.toString(port), "--mqtt-port", Integer.toString(mqttPort),
                "--no-simulator", "--plugins", plugins.toString(), "--site", "test-site");
        SocketWatch sockets = watch(regie);

        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.matches("Regie ready in \\d+\\.\\d s: site test-site, HTTP http://127\\.0\\.0\\.1:" + port
                + "/, MQTT tcp://127\\.0\\.0\\.1:" + mqttPort + " \\(embedded\\), simulator off, config "
                + workingDir.resolve("config") + ", plugins " + plugins + " \\(0 active\\)"), ready);
        assertTrue(Files.isDirectory(plugins), "the launcher creates the plugins folder");
        assertTrue(Files.isDirectory(workingDir.resolve("config")), "the launcher creates the configuration folder");
        // The operator trusts the keys plugins are signed with; saved while Regie runs, the policy applies at once.
        TestJars.trustDemoKeys(workingDir.resolve("config"));
        regie.awaitStdout(line -> line.contains("[nl.regie.runtime.sovereignty] Applied policy v")
                && line.contains("3 keys"), SOON);
        assertEquals(200, get(port, "/health").statusCode());
        // Loopback is no free pass: any local process can reach it, so a request without the token is refused, and
        // one that names another host (a page elsewhere whose name was rebound to 127.0.0.1) too.
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/entities")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(421, rawStatus(port, "GET /api/entities HTTP/1.1\r\nHost: attacker.example:" + port
                + "\r\nAuthorization: Bearer " + operatorToken(port) + "\r\nConnection: close\r\n\r\n"));
        Path tokenFile = workingDir.resolve("state").resolve("operator.token");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(tokenFile));
        assertEquals(operatorToken(port), Files.readString(tokenFile).strip());
        deviceRoundTrip(port, "tcp://127.0.0.1:" + mqttPort, "test-site");

        dropIn(Path.of(System.getProperty("regie.test.plugins"), "nl.regie.waste.jar"), plugins);
        awaitPluginState(port, "nl.regie.waste", "ACTIVE");
        regie.awaitStdout(line -> line.contains("[nl.regie.waste] plugin ") && line.contains(" started (nl.regie.waste.jar)"), SOON);

        assertEquals(0, regie.terminate(SOON), regie.transcript());
        assertTrue(regie.stdout().contains("Regie stopped"), regie.transcript());
        assertTrue(regie.stdout().stream().noneMatch(line -> line.contains("g! ") || line.contains("gosh")),
                "without a terminal or --shell the shell never reads stdin (its end would stop the shell)\n" + regie.transcript());
        assertStayedOnLoopback(sockets);
        assertTrue(sockets.listening().stream().anyMatch(e -> e.localPort() == mqttPort), "the embedded broker listened");
    }

    @Test
    void theSimulatedCityPublishesThroughTheEmbeddedBroker() throws Exception {
        int port = freePort();
        int mqttPort = freePort();
        LauncherProcess regie = launch("--http-port", Integer.toString(port), "--mqtt-port", Integer.toString(mqttPort),
                "--simulator-devices", "12", "--plugins", workingDir.resolve("plugins").toString(), "--site", "sim-city");
        SocketWatch sockets = watch(regie);

        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.contains(", MQTT tcp://127.0.0.1:" + mqttPort + " (embedded), simulator: 12 devices, "), ready);
        // Nobody reads the devices' messages without logging in; the simulated devices reach the runtime through the
        // broker, logged in as the simulator.
        MqttException anonymous = assertThrows(MqttException.class,
                () -> MqttTraffic.connect("tcp://127.0.0.1:" + mqttPort, "it-observer", true, null));
        assertEquals(0x87, anonymous.getReasonCode(), "not authorized");
        long deadline = System.nanoTime() + SOON.toNanos();
        int online = 0;
        while (online < 12 && System.nanoTime() < deadline) {
            online = 0;
            for (JsonNode device : json.readTree(get(port, "/api/devices").body()).path("devices")) {
                online += device.path("state").asText().equals("online") ? 1 : 0;
            }
            Thread.sleep(100);
        }
        assertEquals(12, online, "every simulated device said it is online, through the broker");

        assertEquals(0, regie.terminate(SOON), regie.transcript());
        assertStayedOnLoopback(sockets);
    }

    @Test
    void anExternalBrokerThatIsNotThereYetIsReportedAndNothingIsEmbedded() throws Exception {
        int port = freePort();
        int brokerPort = freePort(); // nothing listens there
        Path config = workingDir.resolve("regie.properties");
        Files.writeString(config, "mqtt-username = regie-bridge\nmqtt-password = " + BRIDGE_SECRET + "\n");
        LauncherProcess regie = launch("--http-port", Integer.toString(port), "--broker", "tcp://127.0.0.1:" + brokerPort,
                "--plugins", workingDir.resolve("plugins").toString(), "--config", config.toString());
        SocketWatch sockets = watch(regie);

        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.contains(", MQTT tcp://127.0.0.1:" + brokerPort + " (external, not reachable yet), simulator not started, "),
                ready);
        regie.awaitStdout(line -> line.startsWith("  the MQTT broker tcp://127.0.0.1:" + brokerPort + " is not reachable yet (")
                && line.endsWith("); the runtime's bridge keeps trying"), SOON);
        regie.awaitStdout(line -> line.equals("  simulator not started: the MQTT broker is not reachable"), SOON);
        assertEquals(200, get(port, "/health").statusCode());

        // The broker comes up later: the runtime's bridge, retrying with backoff, logs in with the credentials of the
        // configuration file, and subscribes.
        BrokerLogins logins = new BrokerLogins(new BrokerLogins.Login("regie-bridge", BRIDGE_SECRET),
                new BrokerLogins.Login("regie-simulator", "unused"));
        try (EmbeddedBroker late = new EmbeddedBroker("127.0.0.1", brokerPort, new BrokerAccess("demo",
                workingDir.resolve("late-broker-passwd"), logins, message -> { }))) {
            late.start(SOON);
            assertTrue(late.awaitSubscriptions(1, Duration.ofSeconds(60)), "the runtime's bridge never subscribed\n"
                    + regie.transcript());
            assertEquals(0, regie.terminate(SOON), regie.transcript());
        }
        assertStayedOnLoopback(sockets);
        assertEquals(List.of(port), sockets.listening().stream().map(SocketWatch.Entry::localPort).distinct().toList(),
                "only the HTTP server listens: no embedded broker");
    }

    @Test
    void theConfigFolderRefusesABadFileAndAppliesTheFixedOneWhileRunning() throws Exception {
        int port = freePort();
        Path config = Files.createDirectories(workingDir.resolve("config"));
        Path file = config.resolve("nl.regie.runtime.mqtt.cfg");
        Files.writeString(file, "staleFactor = 0.5\n");
        LauncherProcess regie = launch("--http-port", Integer.toString(port), "--mqtt-port", Integer.toString(freePort()),
                "--no-simulator", "--plugins", workingDir.resolve("plugins").toString());

        regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        // The runtime's own PID, described by its metatype: the shipped MetaType Service reads it.
        regie.awaitStderr(line -> line.endsWith(" ERROR [nl.regie.runtime.config] Configuration file config/nl.regie.runtime.mqtt.cfg"
                + " refused: staleFactor = 0.5 is below the minimum 1; the running configuration is unchanged"), SOON);
        String refused = get(port, "/api/config").body();
        assertTrue(refused.contains("\"pid\":\"nl.regie.runtime.mqtt\",\"file\":\"config/nl.regie.runtime.mqtt.cfg\","
                + "\"state\":\"refused\",\"message\":\"staleFactor = 0.5 is below the minimum 1\""), refused);

        Path partial = workingDir.resolve("nl.regie.runtime.mqtt.cfg.partial");
        Files.writeString(partial, "staleFactor = 3\n");
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        regie.awaitStdout(line -> line.endsWith(" INFO [nl.regie.runtime.config] Configuration nl.regie.runtime.mqtt applied from"
                + " config/nl.regie.runtime.mqtt.cfg"), SOON);
        assertTrue(get(port, "/api/config").body().contains("\"state\":\"applied\""));
        assertEquals(0, regie.terminate(SOON), regie.transcript());
    }

    @Test
    void badPluginsAreReportedByNameAndTheLauncherKeepsRunning() throws Exception {
        int port = freePort();
        Path plugins = Files.createDirectories(workingDir.resolve("plugins"));
        TestJars.trustDemoKeys(workingDir.resolve("config"));
        dropIn(Path.of(System.getProperty("regie.test.plugins"), "nl.regie.waste.jar"), plugins);
        TestJars.unresolvableBundle(plugins.resolve("unresolvable.jar"), "com.example.unresolvable");
        LauncherProcess regie = launch("--http-port", Integer.toString(port), "--mqtt-port", Integer.toString(freePort()),
                "--no-simulator", "--plugins", plugins.toString());

        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.matches(".*\\(1 active: nl\\.regie\\.waste [0-9][^ ]*\\)"), ready);
        // The lifecycle refuses a jar that cannot resolve before it installs anything.
        regie.awaitStdout(line -> line.equals("  not installed: unresolvable.jar (com.example.unresolvable): refused by the"
                + " runtime (see the log above)"), SOON);
        regie.awaitStderr(line -> line.contains(" WARN [nl.regie.runtime.lifecycle] Plugins folder: unresolvable.jar refused"
                + " (NOT_RESOLVABLE): ") && line.contains("com.example.nowhere"), SOON);

        TestJars.notABundle(plugins.resolve("library.jar"));
        regie.awaitStderr(line -> line.endsWith(" WARN [nl.regie.runtime.lifecycle] Plugins folder: ignored library.jar: not an OSGi"
                + " bundle (its manifest has no Bundle-SymbolicName)"), SOON);

        TestJars.plugin(plugins.resolve("failing.jar"), "com.example.failing", "1.0.0", false);
        regie.awaitStderr(line -> line.contains(" ERROR [com.example.failing] ")
                && line.contains("IllegalStateException: boom: the test plugin cannot start"), SOON);
        regie.awaitStderr(line -> line.contains(" WARN [nl.regie.runtime.lifecycle] Plugins folder: failing.jar: com.example.failing"
                + " 1.0.0 installed but not healthy: "), SOON);

        assertEquals(200, get(port, "/health").statusCode());
        assertTrue(regie.isAlive());
        assertEquals(0, regie.terminate(SOON), regie.transcript());
    }

    @Test
    void pluginsAreUpdatedOverHttpHealthGatedAndTheirHistorySurvivesARestart() throws Exception {
        Path plugins = Files.createDirectories(workingDir.resolve("plugins"));
        TestJars.trustDemoKeys(workingDir.resolve("config"));
        Path jars = Files.createDirectories(workingDir.resolve("jars"));
        Path state = workingDir.resolve("var/state");
        TestJars.plugin(plugins.resolve("com.example.swap.jar"), "com.example.swap", "1.0.0", true);
        Path v110 = TestJars.plugin(jars.resolve("swap-1.1.0.jar"), "com.example.swap", "1.1.0", true);
        Path broken = TestJars.plugin(jars.resolve("swap-1.2.0.jar"), "com.example.swap", "1.2.0", false);
        Path posted = TestJars.plugin(jars.resolve("posted.jar"), "com.example.posted", "3.0.0", true);
        int port = freePort();
        String[] args = {"--http-port", Integer.toString(port), "--mqtt-port", Integer.toString(freePort()), "--no-simulator",
            "--plugins", plugins.toString(), "--state-dir", state.toString()};
        // A temporary folder of its own: DuckDB's jar as published would unpack its native library there at every start.
        List<String> tmpdir = List.of("-Djava.io.tmpdir=" + Files.createDirectories(workingDir.resolve("tmp")));
        LauncherProcess regie = launch(tmpdir, args);
        assertTrue(regie.awaitStdout(line -> line.startsWith("Regie ready"), START).endsWith("(1 active: com.example.swap 1.0.0)"));
        assertTrue(Files.isDirectory(state.resolve("framework")), "the framework's cache is in the state folder");
        List<Path> shipped = shippedBundleCopies(state);
        assertTrue(shipped.stream().anyMatch(f -> f.getFileName().toString().startsWith("58-org.duckdb.duckdb_jdbc-")), shipped.toString());
        // The history opened DuckDB, whose library the framework took from the bundle's Bundle-NativeCode into its cache.
        assertDuckDbLoadedFrom(regie, state.resolve("framework"));
        assertNoDuckDbCopyIn(workingDir.resolve("tmp"));
        // A second runtime on the same state folder (other ports) is refused before it touches anything in it.
        LauncherProcess second = launch("--http-port", Integer.toString(freePort()), "--mqtt-port", Integer.toString(freePort()),
                "--no-simulator", "--plugins", plugins.toString(), "--state-dir", state.toString());
        assertEquals(Main.EXIT_FAILED, second.awaitExit(START), second.transcript());
        assertTrue(second.stderr().contains("Regie failed to start: the state folder " + state + " is in use by another Regie (process "
                + regie.pid() + "): one state folder serves one runtime (stop that one, or choose another folder with --state-dir)"),
                second.transcript());
        assertTrue(Files.isDirectory(state.resolve("framework")), "the first runtime's framework cache is untouched");

        HttpResponse<String> promoted = send(port, "PUT", "/api/plugins/com.example.swap", v110);
        assertEquals(200, promoted.statusCode(), promoted.body());
        JsonNode outcome = json.readTree(promoted.body());
        assertEquals("PROMOTED", outcome.path("result").asText(), promoted.body());
        assertEquals("1.0.0", outcome.path("fromVersion").asText());
        assertEquals("1.1.0", outcome.path("toVersion").asText());
        assertEquals("HTTP", outcome.path("origin").asText());

        HttpResponse<String> rolledBack = send(port, "PUT", "/api/plugins/com.example.swap", broken);
        assertEquals(422, rolledBack.statusCode(), rolledBack.body());
        JsonNode problem = json.readTree(rolledBack.body());
        assertEquals("ROLLED_BACK", problem.path("outcome").path("result").asText(), rolledBack.body());
        assertFalse(problem.path("detail").asText().isBlank(), "the reason: " + rolledBack.body());
        JsonNode swap = plugin(port, "com.example.swap");
        assertEquals("1.1.0", swap.path("version").asText(), "the previous version runs again: " + swap);
        assertEquals("ACTIVE", swap.path("state").asText());
        assertTrue(swap.path("healthy").asBoolean(), swap.toString());
        assertEquals(List.of("INSTALL INSTALLED", "UPDATE PROMOTED", "UPDATE ROLLED_BACK"), history(swap));

        HttpResponse<String> installed = send(port, "POST", "/api/plugins", posted);
        assertEquals(201, installed.statusCode(), installed.body());
        assertEquals("/api/plugins/com.example.posted", installed.headers().firstValue("Location").orElse(null));
        awaitPluginState(port, "com.example.posted", "ACTIVE");
        assertEquals(0, regie.terminate(SOON), regie.transcript());
        assertFalse(Files.exists(state.resolve("framework")), "a clean stop deletes the framework's cache");
        FileTime marked = FileTime.fromMillis(0);
        for (Path file : shipped) {
            Files.setLastModifiedTime(file, marked);
        }

        // The folder holds what ran, and the state folder the history: the same plugins, at the same versions, again.
        LauncherProcess again = launch(tmpdir, args);
        String ready = again.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.endsWith("(2 active: com.example.posted 3.0.0, com.example.swap 1.1.0)"), again.transcript());
        assertEquals(shipped, shippedBundleCopies(state), "the same launcher: the same copies");
        for (Path file : shipped) {
            assertEquals(marked, Files.getLastModifiedTime(file), file + " is not copied again");
        }
        assertDuckDbLoadedFrom(again, state.resolve("framework"));
        assertNoDuckDbCopyIn(workingDir.resolve("tmp"));
        JsonNode restored = plugin(port, "com.example.swap");
        assertEquals(List.of("INSTALL INSTALLED", "UPDATE PROMOTED", "UPDATE ROLLED_BACK"), history(restored),
                "the first run's history, and nothing more: coming back after a restart is no new installation");
        assertEquals("1.0.0", restored.path("previousVersion").asText(), restored.toString());
        again.awaitStdout(line -> line.contains("Plugin com.example.swap 1.1.0 restored as it ran before the restart"), SOON);
        // The previous version's jar is kept in the state folder: rollback works across the restart.
        HttpResponse<String> rollback = send(port, "POST", "/api/plugins/com.example.swap/rollback", null);
        assertEquals(200, rollback.statusCode(), rollback.body());
        assertEquals("PROMOTED", json.readTree(rollback.body()).path("result").asText(), rollback.body());
        assertEquals("1.0.0", plugin(port, "com.example.swap").path("version").asText());

        HttpResponse<String> removed = send(port, "DELETE", "/api/plugins/com.example.posted", null);
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals("REMOVED", json.readTree(removed.body()).path("result").asText());
        HttpResponse<String> gone = get(port, "/api/plugins/com.example.posted");
        assertEquals(404, gone.statusCode(), gone.body());
        assertTrue(gone.body().contains("\"history\""), gone.body());
        assertFalse(get(port, "/api/plugins").body().contains("\"com.example.posted\""));
        assertEquals(0, again.terminate(SOON), again.transcript());
    }

    @Test
    void theShellListsThePluginsWhenAskedToReadStdin() throws Exception {
        Path plugins = Files.createDirectories(workingDir.resolve("plugins"));
        TestJars.trustDemoKeys(workingDir.resolve("config"));
        TestJars.plugin(plugins.resolve("com.example.swap.jar"), "com.example.swap", "1.0.0", true);
        LauncherProcess regie = LauncherProcess.startWithStdin(workingDir, "--http-port", Integer.toString(freePort()),
                "--mqtt-port", Integer.toString(freePort()), "--no-simulator", "--plugins", plugins.toString(), "--shell");
        launched.add(regie);
        regie.awaitStdout(line -> line.startsWith("Regie ready"), START);

        regie.send("regie:list");
        regie.awaitStdout(line -> line.matches("(g! )*PLUGIN +VERSION +BUNDLE +STATE +HEALTHY +PREVIOUS +LAST OPERATION"), SOON);
        regie.awaitStdout(line -> line.matches("com\\.example\\.swap +1\\.0\\.0 +\\d+ +ACTIVE +yes +- +INSTALL INSTALLED .*"
                + "\\(plugins folder\\)"), SOON);
        regie.send("regie:status com.example.nowhere");
        regie.awaitStdout(line -> line.endsWith("No plugin com.example.nowhere is installed."), SOON);
        regie.closeStdin();
        regie.awaitStdout(line -> line.endsWith("gosh: stopping shell"), SOON);
        assertTrue(regie.isAlive(), "the end of the shell's input is not the end of Regie");
        assertEquals(0, regie.terminate(SOON), regie.transcript());
    }

    @Test
    void withoutTheWebAndSovereigntyPartsTheRestRunsAndNothingListensForHttp() throws Exception {
        int mqttPort = freePort();
        Path plugins = Files.createDirectories(workingDir.resolve("plugins"));
        // Without the sovereignty part there is no operator's policy, so no key is trusted: on a developer's machine
        // an unsigned plugin may come in.
        TestJars.unsignedPlugin(plugins.resolve("com.example.swap.jar"), "com.example.swap", "1.0.0");
        LauncherProcess regie = LauncherProcess.startWithStdin(workingDir, "--without", "web,sovereignty", "--mqtt-port",
                Integer.toString(mqttPort), "--simulator-devices", "12", "--plugins", plugins.toString(), "--shell",
                "--dev-unsigned-plugins");
        launched.add(regie);
        SocketWatch sockets = watch(regie);

        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.matches("Regie ready in \\d+\\.\\d s: site demo without web, sovereignty, HTTP off, MQTT tcp://127\\.0\\.0\\.1:"
                + mqttPort + " \\(embedded\\), simulator: 12 devices, .*, plugins " + plugins
                + " \\(1 active: com\\.example\\.swap 1\\.0\\.0\\)"), ready);
        // The lifecycle runs without the web part and without an audit log: the shell lists the plugin the folder
        // deployed.
        regie.send("regie:list");
        regie.awaitStdout(line -> line.matches("(g! )*com\\.example\\.swap +1\\.0\\.0 +\\d+ +ACTIVE +yes .*"), SOON);
        assertTrue(regie.stdout().stream().noneMatch(line -> line.contains("nl.regie.runtime.web")), regie.transcript());
        assertTrue(regie.stderr().stream().noneMatch(line -> line.contains(" ERROR ")), regie.transcript());

        assertEquals(0, regie.terminate(SOON), regie.transcript());
        assertStayedOnLoopback(sockets);
        assertEquals(List.of(mqttPort), sockets.listening().stream().map(SocketWatch.Entry::localPort).distinct().toList(),
                "only the embedded broker listens: no HTTP server");
    }

    @Test
    void withoutTheDevicesPartTheRestRunsAndNoBrokerOrSimulatorStarts() throws Exception {
        int port = freePort();
        LauncherProcess regie = launch("--without", "devices", "--http-port", Integer.toString(port), "--plugins",
                workingDir.resolve("plugins").toString());
        SocketWatch sockets = watch(regie);

        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.contains(": site demo without devices, HTTP http://127.0.0.1:" + port + "/, MQTT off, simulator off, "),
                ready);
        assertEquals(200, get(port, "/health").statusCode());
        assertEquals(200, get(port, "/api/entities").statusCode());
        HttpResponse<String> devices = get(port, "/api/devices");
        assertEquals(404, devices.statusCode(), "no device bridge, no devices endpoint: " + devices.body());
        String metrics = get(port, "/metrics").body();
        assertTrue(metrics.contains("regie_bus_published_total") || metrics.contains("regie_bus_subscribers"), metrics);
        assertFalse(metrics.contains("regie_ingest_"), "no device bridge, no ingest metrics");
        assertTrue(regie.stderr().stream().noneMatch(line -> line.contains(" ERROR ")), regie.transcript());

        assertEquals(0, regie.terminate(SOON), regie.transcript());
        assertStayedOnLoopback(sockets);
        assertEquals(List.of(port), sockets.listening().stream().map(SocketWatch.Entry::localPort).distinct().toList(),
                "only the HTTP server listens: no broker");
    }

    @Test
    void withoutTheHistoryItsEndpointsAre404AndNothingIsKeptOfIt() throws Exception {
        int port = freePort();
        LauncherProcess regie = launch("--without", "history", "--http-port", Integer.toString(port), "--mqtt-port",
                Integer.toString(freePort()), "--simulator-devices", "12", "--plugins",
                workingDir.resolve("plugins").toString());

        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.contains(": site demo without history, HTTP http://127.0.0.1:" + port + "/"), ready);
        HttpResponse<String> area = get(port, "/api/history?type=WasteContainer");
        assertEquals(404, area.statusCode(), area.body());
        HttpResponse<String> one = get(port, "/api/entities/urn:ngsi-ld:WasteContainer:bin-001/history");
        assertEquals(404, one.statusCode(), one.body());
        assertTrue(one.body().contains("history is not installed"), one.body());
        assertFalse(get(port, "/health").body().contains("\"history\""));
        assertFalse(get(port, "/metrics").body().contains("regie_history_"), "no history, no history metrics");
        assertFalse(Files.exists(workingDir.resolve("state").resolve("history")), "nothing kept of it");
        assertTrue(regie.stderr().stream().noneMatch(line -> line.contains(" ERROR ")), regie.transcript());
        assertEquals(0, regie.terminate(SOON), regie.transcript());
    }

    @Test
    void onlyTheDevelopmentSwitchOpensLoopbackToRequestsWithoutAToken() throws Exception {
        int port = freePort();
        LauncherProcess regie = launch("--dev-open-loopback", "--http-port", Integer.toString(port), "--mqtt-port",
                Integer.toString(freePort()), "--no-simulator", "--plugins", workingDir.resolve("plugins").toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        regie.awaitStdout(line -> line.equals("  HTTP on loopback is open: any process on this machine is the operator"
                + " (--dev-open-loopback)"), SOON);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/plugins")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, anonymous.statusCode(), anonymous.body());
        assertEquals(421, rawStatus(port, "GET /api/plugins HTTP/1.1\r\nHost: attacker.example\r\nConnection: close"
                + "\r\n\r\n"), "the Host check stays");
        assertEquals(0, regie.terminate(SOON), regie.transcript());
    }

    @Test
    void aPortInUseFailsStartUpWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            LauncherProcess regie = launch("--http-port", Integer.toString(port), "--mqtt-port", Integer.toString(freePort()),
                    "--plugins", workingDir.resolve("plugins").toString());

            assertEquals(Main.EXIT_FAILED, regie.awaitExit(START), regie.transcript());
            assertTrue(regie.stderr().contains("Regie failed to start: HTTP port " + port + " on 127.0.0.1 is not available: "
                    + "Address already in use (choose another with --http-port)"), regie.transcript());
            assertTrue(regie.stdout().stream().noneMatch(line -> line.startsWith("Regie ready")), regie.transcript());
        }
    }

    @Test
    void anMqttPortInUseFailsStartUpWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int mqttPort = taken.getLocalPort();
            LauncherProcess regie = launch("--http-port", Integer.toString(freePort()), "--mqtt-port", Integer.toString(mqttPort),
                    "--plugins", workingDir.resolve("plugins").toString());

            assertEquals(Main.EXIT_FAILED, regie.awaitExit(START), regie.transcript());
            assertTrue(regie.stderr().contains("Regie failed to start: MQTT port " + mqttPort + " on 127.0.0.1 is not available: "
                    + "Address already in use (choose another with --mqtt-port)"), regie.transcript());
            assertTrue(regie.stdout().stream().noneMatch(line -> line.startsWith("Regie ready")), regie.transcript());
        }
    }

    @Test
    void aBadFlagIsNamedWithTheUsageAndExitStatus2() throws Exception {
        LauncherProcess badPort = launch("--http-port", "eighty");
        assertEquals(Main.EXIT_USAGE, badPort.awaitExit(SOON), badPort.transcript());
        assertEquals("regie: --http-port: 'eighty' is not a port number", badPort.stderr().get(0));
        assertTrue(badPort.stderr().contains("Usage: java -jar regie-launcher.jar [options]"), badPort.transcript());

        LauncherProcess unknown = launch("--brocker", "tcp://localhost:1883");
        assertEquals(Main.EXIT_USAGE, unknown.awaitExit(SOON), unknown.transcript());
        assertEquals("regie: unknown flag --brocker", unknown.stderr().get(0));

        LauncherProcess badBroker = launch("--broker", "mqtt://localhost:1883");
        assertEquals(Main.EXIT_USAGE, badBroker.awaitExit(SOON), badBroker.transcript());
        assertEquals("regie: --broker: 'mqtt://localhost:1883' uses mqtt://, which the launcher does not support"
                + " (expected tcp://host:port or ssl://host:port)", badBroker.stderr().get(0));

        LauncherProcess password = launch("--mqtt-password", "secret");
        assertEquals(Main.EXIT_USAGE, password.awaitExit(SOON), password.transcript());
        assertEquals("regie: --mqtt-password is read from the config file only (--config FILE), so that credentials"
                + " never show in the process list", password.stderr().get(0));
        assertTrue(Files.notExists(workingDir.resolve("plugins")), "nothing starts, nothing is created");
    }

    private LauncherProcess launch(String... args) throws IOException {
        return launch(List.of(), args);
    }

    private LauncherProcess launch(List<String> jvmOptions, String... args) throws IOException {
        LauncherProcess process = LauncherProcess.startWithJvmOptions(workingDir, jvmOptions, args);
        launched.add(process);
        return process;
    }

    /** The launcher's copies of its shipped bundles in a state folder, by name. */
    private static List<Path> shippedBundleCopies(Path state) throws IOException {
        try (Stream<Path> files = Files.list(state.resolve("bundles"))) {
            return files.sorted().toList();
        }
    }

    /** Waits until the launcher has mapped DuckDB's native library, and checks that it is the copy in {@code folder}. */
    private static void assertDuckDbLoadedFrom(LauncherProcess regie, Path folder) throws Exception {
        Path maps = Path.of("/proc", Long.toString(regie.pid()), "maps");
        assumeTrue(Files.isReadable(maps), "needs Linux's /proc/PID/maps");
        Instant deadline = Instant.now().plus(SOON);
        List<String> duckdb = List.of();
        while (duckdb.isEmpty() && Instant.now().isBefore(deadline)) {
            duckdb = Files.readAllLines(maps).stream().filter(line -> line.contains("duckdb_java")).toList();
            if (duckdb.isEmpty()) {
                Thread.sleep(100);
            }
        }
        assertFalse(duckdb.isEmpty(), "DuckDB's library was never loaded\n" + regie.transcript());
        for (String line : duckdb) {
            assertTrue(line.contains(" " + folder.toAbsolutePath() + "/") && line.endsWith("/libduckdb_java.so"), line);
        }
    }

    /** DuckDB's own jar unpacks {@code libduckdb_java<random>.so} into the temporary folder; the bundle Regie ships does not. */
    private static void assertNoDuckDbCopyIn(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            List<Path> copies = files.filter(f -> f.getFileName().toString().startsWith("libduckdb_java")).toList();
            assertEquals(List.of(), copies);
        }
    }

    /** Watches the launcher's sockets from now until the test ends. */
    private SocketWatch watch(LauncherProcess regie) {
        assumeTrue(SocketWatch.supported(), "needs Linux's /proc/net tables");
        SocketWatch watch = SocketWatch.start(regie.pid());
        watches.add(watch);
        return watch;
    }

    /** The launcher listened on loopback only, and no connection of its process left this machine. */
    private static void assertStayedOnLoopback(SocketWatch sockets) {
        sockets.close();
        assertEquals(List.of(), sockets.problems());
        assertEquals(List.of(), sockets.leaks(), "connections that left loopback");
        for (SocketWatch.Entry entry : sockets.listening()) {
            assertTrue(SocketWatch.loopback(entry.local()), "listens beyond loopback: " + entry);
        }
        assertFalse(sockets.listening().isEmpty(), "the watch saw the launcher's sockets");
    }

    /**
     * A client that does not log in is refused; a device given credentials over HTTP logs in with them, and its pack
     * becomes an entity of the city state.
     */
    private void deviceRoundTrip(int port, String url, String site) throws Exception {
        MqttException anonymous = assertThrows(MqttException.class, () -> MqttTraffic.connect(url, "it-device", true, null));
        assertEquals(0x87, anonymous.getReasonCode(), "not authorized");
        ProvisionedDevice device = ProvisionedDevice.provision(http, port, operatorToken(port), "it-gauge");
        assertEquals("regie/v1/" + site + "/dev/it-gauge/", device.prefix());
        try (MqttTraffic.Client gauge = device.connect(url, false)) {
            gauge.publish(device.prefix() + "tele", "[{\"bn\":\"urn:ngsi-ld:WaterObserved:it-gauge:\",\"n\":\"waterLevel\","
                    + "\"u\":\"m\",\"v\":0.42}]", 1, false);
        }
        long deadline = System.nanoTime() + SOON.toNanos();
        HttpResponse<String> entity = get(port, "/api/entities/urn:ngsi-ld:WaterObserved:it-gauge");
        while (entity.statusCode() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            entity = get(port, "/api/entities/urn:ngsi-ld:WaterObserved:it-gauge");
        }
        assertEquals(200, entity.statusCode(), entity.body());
        assertEquals(0.42, json.readTree(entity.body()).path("attributes").path("waterLevel").path("value").asDouble());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Copies a jar into the plugins folder the way a careful operator would: whole, in one rename. */
    private void dropIn(Path jar, Path plugins) throws IOException {
        assertTrue(Files.isRegularFile(jar), jar + " is built by the launcher's pom (pre-integration-test)");
        Path partial = workingDir.resolve(jar.getFileName() + ".partial");
        Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, plugins.resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A request with a jar as its body (none when {@code jar} is null). */
    private HttpResponse<String> send(int port, String method, String path, Path jar) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + operatorToken(port)).timeout(Duration.ofSeconds(60));
        if (jar == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/java-archive").method(method, HttpRequest.BodyPublishers.ofFile(jar));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /api/plugins/{symbolicName}}, which must answer 200. */
    private JsonNode plugin(int port, String symbolicName) throws IOException, InterruptedException {
        HttpResponse<String> response = get(port, "/api/plugins/" + symbolicName);
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }

    /** A plugin's history as "OPERATION RESULT" lines, oldest first. */
    private static List<String> history(JsonNode plugin) {
        List<String> lines = new ArrayList<>();
        plugin.path("history").forEach(e -> lines.add(e.path("operation").asText() + " " + e.path("result").asText()));
        return lines;
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + operatorToken(port)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request as raw bytes (the JDK's client will not send another Host) and returns the status. */
    private static int rawStatus(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    /** The operator's token of the launcher serving HTTP on {@code port}: from the link it printed. */
    private String operatorToken(int port) throws InterruptedException {
        String prefix = "Operator: http://127.0.0.1:" + port + "/#token=";
        for (LauncherProcess process : launched) {
            if (process.stdout().stream().anyMatch(line -> line.startsWith("Regie ready") && line.contains(":" + port + "/"))) {
                return process.operatorToken();
            }
        }
        throw new AssertionError("no launcher printed " + prefix + "...");
    }

    /** Polls {@code GET /api/plugins} until the plugin is listed in that state. */
    private void awaitPluginState(int port, String symbolicName, String state) throws Exception {
        Predicate<String> listed = body -> {
            int at = body.indexOf("\"symbolicName\":\"" + symbolicName + "\"");
            if (at < 0) {
                return false;
            }
            int components = body.indexOf("\"components\":", at);
            String plugin = body.substring(at, components < 0 ? body.length() : components); // its own fields only
            return plugin.contains("\"state\":\"" + state + "\"");
        };
        long deadline = System.nanoTime() + SOON.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(port, "/api/plugins");
            body = response.body();
            if (response.statusCode() == 200 && listed.test(body)) {
                return;
            }
            Thread.sleep(100);
        }
        fail(symbolicName + " did not become " + state + " in GET /api/plugins within " + SOON.toSeconds() + " s: " + body);
    }
}
