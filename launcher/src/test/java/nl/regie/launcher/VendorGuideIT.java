package nl.regie.launcher;

import static nl.regie.launcher.HttpApi.await;
import static nl.regie.launcher.HttpApi.json;
import static nl.regie.launcher.HttpApi.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import nl.regie.runtime.testing.TestSigner;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The plugin guide (docs/plugin-guide.md, "Your first plugin") as a vendor follows it: generate a plugin project from
 * the archetype, build it, deploy it into a running launcher, see it work (a weather station's reading in over MQTT,
 * the plugin's alert at {@code /api/alerts}), update it, roll it back, and read the audit log when a deployment is
 * refused. Maven runs as a child process on the generated project, as the vendor runs it: offline, on this build's
 * local repository, where the reactor has installed the archetype, the test kit and the runtime bundles.
 */
class VendorGuideIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final Duration BUILD = Duration.ofMinutes(3);
    private static final String PLUGIN = "com.example.heat";
    private static final String SITE = "guide";
    /** The vendor's keystore password: a test's own. */
    private static final String STOREPASS = "heat-vendor";

    @TempDir
    Path workingDir;

    private LauncherProcess regie;

    @AfterEach
    void stop() {
        if (regie != null) {
            regie.close();
        }
    }

    @Test
    void aVendorGeneratesBuildsDeploysUpdatesAndRollsBackAPlugin() throws Exception {
        // Generate the project.
        maven(workingDir, "org.apache.maven.plugins:maven-archetype-plugin:"
                + System.getProperty("regie.archetype.plugin.version") + ":generate", "-DarchetypeCatalog=local",
                "-DarchetypeGroupId=nl.regie", "-DarchetypeArtifactId=plugin-archetype",
                "-DarchetypeVersion=" + System.getProperty("regie.version"),
                "-DgroupId=com.example", "-DartifactId=heat", "-Dpackage=com.example.heat");
        Path project = workingDir.resolve("heat");
        Path rule = project.resolve("src/main/java/com/example/heat/HeatWatch.java");
        assertTrue(Files.isRegularFile(rule), "the generated rule");

        // The vendor's key, made once with keytool as the generated README says; the build signs the jar with it.
        Path keystore = workingDir.resolve("heat.p12");
        run(workingDir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", STOREPASS, "-alias", "heat",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=com.example.heat",
                "-startdate", "2000/01/01 00:00:00", "-validity", "36500");
        String[] sign = {"-Dsign.keystore=" + keystore, "-Dsign.alias=heat", "-Dsign.storepass=" + STOREPASS};
        String fingerprint = TestSigner.load(keystore, "heat", STOREPASS).fingerprint();

        // Test and build: the unit tests on the test kit, the bundle, signed, the check that it resolves in Regie.
        String build = maven(project, concat("verify", sign));
        assertTrue(build.contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0"), build);
        assertTrue(build.contains("-runbundles: com.example.heat;version='[1.0.0,1.0.1)'"), "the resolve check ran\n" + build);
        Path v1 = Files.copy(project.resolve("target/heat-1.0.0.jar"), workingDir.resolve("heat-1.0.0.jar"));

        // The operator trusts the vendor's key, for the city.
        Path config = Files.createDirectories(workingDir.resolve("config"));
        Files.writeString(config.resolve("nl.regie.runtime.policy.cfg"), "keys = city " + fingerprint + "\n");

        // Start Regie.
        int port = freePort();
        int mqttPort = freePort();
        Path plugins = workingDir.resolve("plugins");
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port), "--mqtt-port",
                Integer.toString(mqttPort), "--no-simulator", "--site", SITE, "--plugins", plugins.toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        HttpApi api = new HttpApi(port, regie.operatorToken());

        // Deploy: the jar into the plugins folder.
        dropIn(v1, plugins);
        awaitPlugin(api, "1.0.0", List.of("INSTALL INSTALLED"));
        JsonNode installed = json(api.get("/api/plugins/" + PLUGIN), 200);
        assertEquals(fingerprint, installed.path("signer").asText(), installed::toString);
        assertEquals("city", installed.path("party").asText(), installed::toString);

        // It works: a weather station above 30 °C raises the alert, one that has cooled down resolves it.
        try (MqttTraffic.Client station = device(api, port, mqttPort, "station-1")) {
            temperature(station, "station-1", 31.5);
            JsonNode heat = awaitAlert(api, "heat-station-1");
            assertTrue(heat.path("active").asBoolean(), heat::toString);
            assertEquals(PLUGIN, heat.path("source").asText());
            assertEquals("weather", heat.path("category").asText());
            assertEquals("highTemperature", heat.path("subCategory").asText());
            assertEquals("medium", heat.path("severity").asText());
            assertEquals("urn:ngsi-ld:WeatherObserved:station-1", heat.path("about").asText());
            temperature(station, "station-1", 27.0);
            await("heat-station-1 to be resolved", SOON, () -> Optional.of(json(api.get("/api/alerts/heat-station-1"), 200))
                    .filter(alert -> !alert.path("active").asBoolean()));
        }

        // Update: the vendor makes heat a more serious matter (the rule and its test), moves the version on, builds and
        // replaces the jar.
        replace(rule, "AlertSeverity.MEDIUM", "AlertSeverity.HIGH");
        replace(project.resolve("src/test/java/com/example/heat/HeatWatchTest.java"), "AlertSeverity.MEDIUM", "AlertSeverity.HIGH");
        replace(project.resolve("pom.xml"), "<version>1.0.0</version>", "<version>1.0.1</version>");
        maven(project, concat("verify", sign));
        dropIn(project.resolve("target/heat-1.0.1.jar"), plugins);
        awaitPlugin(api, "1.0.1", List.of("INSTALL INSTALLED", "UPDATE PROMOTED"));
        assertEquals("high", heatAt(api, port, mqttPort, "station-2").path("severity").asText(), "1.0.1 handles the readings");

        // Roll back to 1.0.0.
        JsonNode back = json(api.send("POST", "/api/plugins/" + PLUGIN + "/rollback", null, (byte[]) null), 200);
        assertEquals("ROLLBACK 1.0.1 -> 1.0.0 PROMOTED", back.path("operation").asText() + " " + back.path("fromVersion").asText()
                + " -> " + back.path("toVersion").asText() + " " + back.path("result").asText(), back::toString);
        assertEquals("1.0.0", json(api.get("/api/plugins/" + PLUGIN), 200).path("version").asText());
        assertEquals("medium", heatAt(api, port, mqttPort, "station-3").path("severity").asText(), "1.0.0 handles them again");

        // Refused: 1.0.0 again, over HTTP. The answer says why, and so does the audit log.
        HttpResponse<String> again = api.send("PUT", "/api/plugins/" + PLUGIN, "application/java-archive", v1);
        assertEquals("SAME_VERSION", problem(again, 409).path("reason").asText());
        JsonNode refusal = json(api.get("/api/audit?kind=plugin&actor=http&limit=1"), 200).path("events").path(0);
        assertEquals("update", refusal.path("action").asText(), refusal::toString);
        assertTrue(refusal.path("target").asText().startsWith(PLUGIN), refusal::toString);
        assertEquals("REFUSED", refusal.path("outcome").asText(), refusal::toString);
        assertTrue(refusal.path("detail").asText().startsWith("SAME_VERSION: "), refusal::toString);
        assertEquals("1.0.0", json(api.get("/api/plugins/" + PLUGIN), 200).path("version").asText(), "nothing changed");

        assertEquals(0, regie.terminate(SOON), regie.transcript());
        assertTrue(regie.stderr().stream().noneMatch(line -> line.contains(" ERROR ")), regie.transcript());
    }

    private static String[] concat(String first, String... rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }

    /** Runs a command in {@code directory}, failing when it fails. */
    private static void run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), String.join(" ", command));
        assertEquals(0, process.exitValue(), output);
    }

    /** Runs Maven on {@code directory} and returns its output, failing when the build fails. */
    private String maven(Path directory, String... goals) throws IOException, InterruptedException {
        String home = System.getProperty("regie.maven.home");
        List<String> command = new ArrayList<>(List.of(home == null || home.isBlank() ? "mvn"
                : Path.of(home, "bin", "mvn").toString(), "-B", "-o",
                "-Dmaven.repo.local=" + System.getProperty("regie.maven.repo.local")));
        command.addAll(List.of(goals));
        Path log = Files.createTempFile(workingDir, "maven-", ".log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(BUILD.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not end within " + BUILD.toMinutes() + " minutes\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed\n" + output);
        return output;
    }

    /** Copies the jar into the plugins folder as the guide says: under the plugin's name, whole, by a rename. */
    private void dropIn(Path jar, Path plugins) throws IOException {
        Path partial = workingDir.resolve(PLUGIN + ".jar.partial");
        Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, plugins.resolve(PLUGIN + ".jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits for the plugin to run this version, active, once its history (OPERATION RESULT, oldest first) says so. */
    private static void awaitPlugin(HttpApi api, String version, List<String> history) throws Exception {
        await(PLUGIN + " " + version + " to be active after " + history, SOON, () -> {
            HttpResponse<String> response = api.get("/api/plugins/" + PLUGIN);
            return response.statusCode() != 200 ? Optional.empty() : Optional.of(HttpApi.parse(response))
                    .filter(p -> p.path("version").asText().equals(version) && p.path("state").asText().equals("ACTIVE")
                            && history(p).equals(history));
        });
    }

    /** The plugin's history as "OPERATION RESULT", oldest first. */
    private static List<String> history(JsonNode plugin) {
        List<String> lines = new ArrayList<>();
        plugin.path("history").forEach(e -> lines.add(e.path("operation").asText() + " " + e.path("result").asText()));
        return lines;
    }

    /** The alert with this key, once the runtime has it. */
    private static JsonNode awaitAlert(HttpApi api, String key) throws Exception {
        return await(key + " at /api/alerts", SOON, () -> {
            HttpResponse<String> response = api.get("/api/alerts/" + key);
            return response.statusCode() == 200 ? Optional.of(HttpApi.parse(response)) : Optional.empty();
        });
    }

    /** A station that has not spoken before reports 31 °C: the alert it raises, as the running version raised it. */
    private JsonNode heatAt(HttpApi api, int port, int mqttPort, String station) throws Exception {
        try (MqttTraffic.Client device = device(api, port, mqttPort, station)) {
            temperature(device, station, 31.0);
            return awaitAlert(api, "heat-" + station);
        }
    }

    /** A weather station as the guide sets one up: its credentials from {@code POST /api/devices}, then MQTT with them. */
    private MqttTraffic.Client device(HttpApi api, int port, int mqttPort, String station) throws Exception {
        return ProvisionedDevice.provision(HttpClient.newHttpClient(), port, regie.operatorToken(), station)
                .connect("tcp://127.0.0.1:" + mqttPort, false);
    }

    /** A weather station's temperature as it sends it: a SenML pack on its telemetry topic. */
    private static void temperature(MqttTraffic.Client device, String station, double celsius) throws Exception {
        device.publish("regie/v1/" + SITE + "/dev/" + station + "/tele", String.format(Locale.ROOT,
                "[{\"bn\":\"urn:ngsi-ld:WeatherObserved:%s:\",\"n\":\"temperature\",\"u\":\"Cel\",\"v\":%.1f}]", station,
                celsius), 1, false);
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has no " + from);
        Files.writeString(file, text.replaceFirst(Pattern.quote(from), to));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
