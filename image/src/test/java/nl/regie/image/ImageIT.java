package nl.regie.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.testing.ChildProcess;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The image Jib wrote (target/regie-image.tar), checked without a container runtime: its configuration, and its
 * layers unpacked into a folder that Regie then runs in, chrooted, as the image's user, with /proc, /sys and /dev
 * mounted as a container runtime would. Needs root (chroot, mount).
 */
class ImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static JsonNode config;
    private static List<Path> layers;

    @BeforeAll
    static void unpackTheImageTar() throws Exception {
        String tar = System.getProperty("regie.image.tar");
        if (tar == null) {
            fail("regie.image.tar is not set: run this test through Maven (mvn -Pimage -pl image verify)");
        }
        Path image = work.resolve("image");
        Files.createDirectories(image);
        run("tar", "-xf", tar, "-C", image.toString());
        JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(image.resolve(manifest.get("Config").asText()).toFile()).get("config");
        layers = new ArrayList<>();
        manifest.get("Layers").forEach(layer -> layers.add(image.resolve(layer.asText())));
    }

    @Test
    void runsAsANumericUserOtherThanRootWithTheStateFolderAsAVolumeAndThePortsExposed() {
        String user = config.get("User").asText();
        assertTrue(user.matches("\\d+:\\d+"), user);
        assertNotEquals("0", user.substring(0, user.indexOf(':')));
        assertTrue(config.get("Volumes").has("/opt/regie/state"), config.toString());
        assertTrue(config.get("ExposedPorts").has("8080/tcp") && config.get("ExposedPorts").has("1883/tcp"), config.toString());
        assertEquals("/opt/regie/bin/regie", config.get("Entrypoint").get(0).asText());
    }

    @Test
    void startsFromItsLayersAsItsUserAnswersHttpAndStopsCleanly() throws Exception {
        if (!"0".equals(run("id", "-u").strip())) {
            fail("ImageIT needs root (chroot and mount): run it as root, or leave -Pimage's verify out");
        }
        Path root = work.resolve("root");
        Files.createDirectories(root);
        for (Path layer : layers) {
            run("tar", "--warning=no-unknown-keyword", "-xzf", layer.toString(), "-C", root.toString());
        }
        List<Path> mounts = new ArrayList<>();
        try {
            // The folder a mount point of its own, so that the JVM finds "/" in /proc/self/mounts, as in a container.
            mount(mounts, root, "--bind", root.toString(), root.toString());
            for (String folder : List.of("proc", "sys", "dev")) {
                Files.createDirectories(root.resolve(folder));
            }
            mount(mounts, root.resolve("proc"), "-t", "proc", "proc", root.resolve("proc").toString());
            mount(mounts, root.resolve("sys"), "--bind", "/sys", root.resolve("sys").toString());
            mount(mounts, root.resolve("dev"), "--bind", "/dev", root.resolve("dev").toString());

            Map<String, String> environment = new LinkedHashMap<>();
            config.get("Env").forEach(entry -> {
                String pair = entry.asText();
                environment.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            });
            int httpPort = freePort();
            List<String> command = new ArrayList<>(List.of("/usr/sbin/chroot", "--userspec=" + config.get("User").asText(),
                    root.toString()));
            config.get("Entrypoint").forEach(arg -> command.add(arg.asText()));
            command.addAll(List.of("--http-port", Integer.toString(httpPort), "--mqtt-port", Integer.toString(freePort())));
            try (ChildProcess regie = ChildProcess.start(work, environment, true, command)) {
                regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(180));
                String token = Files.readString(root.resolve("opt/regie/state/operator.token")).strip();
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/api/alerts")).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals("10001", run("stat", "-c", "%u", root.resolve("opt/regie/state/operator.token").toString()).strip(),
                        "the state is written as the image's user");
                assertTrue(Files.isRegularFile(root.resolve("opt/regie/state/logs/regie.log")));
                assertEquals(0, regie.terminate(Duration.ofSeconds(60)), regie.transcript());
            }
        } finally {
            for (int i = mounts.size() - 1; i >= 0; i--) {
                run("umount", mounts.get(i).toString());
            }
        }
    }

    private static void mount(List<Path> mounts, Path target, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("mount"));
        command.addAll(List.of(args));
        run(command.toArray(String[]::new));
        mounts.add(target);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
