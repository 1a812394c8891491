package nl.regie.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import nl.regie.runtime.testing.ChildProcess;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive, unpacked and started the way the README says ({@code regie/bin/regie}), from another
 * working directory: the start script finds Java and its JVM options, the launcher its folders beside the script.
 */
class DistributionIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path unpacked;

    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        String archive = System.getProperty("regie.distribution.archive");
        if (archive == null) {
            fail("regie.distribution.archive is not set: run this test through Maven (failsafe), after package");
        }
        Process tar = new ProcessBuilder("tar", "-xzf", archive, "-C", unpacked.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor(), "tar -xzf " + archive);
        home = unpacked.resolve("regie");
    }

    @Test
    void holdsTheScriptTheLauncherThePluginsTheConfigAndTheServiceUnit() throws IOException {
        assertTrue(Files.getPosixFilePermissions(home.resolve("bin/regie")).contains(PosixFilePermission.OWNER_EXECUTE));
        assertTrue(Files.size(home.resolve("lib/regie-launcher.jar")) > 1_000_000);
        try (Stream<Path> plugins = Files.list(home.resolve("plugins"))) {
            assertEquals(Set.of("nl.regie.waste.jar", "nl.regie.lighting.jar", "nl.regie.mobility.jar", "nl.dijkwacht.flood.jar"),
                    plugins.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        for (String file : List.of("config/jvm.options", "config/nl.regie.runtime.policy.cfg", "config/keys/city.p12",
                "service/regie.service", "service/regie.properties", "docs/install.md", "README.md")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        assertTrue(Files.isRegularFile(Path.of(System.getProperty("regie.distribution.archive").replace(".tar.gz", ".zip"))));
    }

    @Test
    void startsAsTheReadmeSaysLogsToARotatingFileAndStopsCleanlyOnSigterm(@TempDir Path elsewhere) throws Exception {
        int httpPort = freePort();
        int mqttPort = freePort();
        try (ChildProcess regie = ChildProcess.start(elsewhere, Map.of(), List.of(home.resolve("bin/regie").toString(),
                "--http-port", Integer.toString(httpPort), "--mqtt-port", Integer.toString(mqttPort),
                "--log-size", "1KB", "--log-count", "1000"))) {
            String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START_TIMEOUT);
            assertTrue(ready.contains("plugins " + home.resolve("plugins")), ready);
            assertTrue(ready.contains("4 active"), ready);

            // The script execs java: the process started is the JVM, with the options from config/jvm.options.
            ProcessHandle.Info info = regie.handle().info();
            assertTrue(info.command().orElseThrow().endsWith("/java"), info.toString());
            List<String> arguments = List.of(info.arguments().orElseThrow());
            assertTrue(arguments.containsAll(List.of("-Xms32m", "-Xmx160m", "-XX:+UseSerialGC", "-Dregie.home="
                    + home.toRealPath(), "-jar")), arguments.toString());
            // Two glibc malloc arenas, set by the script for the JVM it execs.
            String environ = Files.readString(Path.of("/proc", Long.toString(regie.handle().pid()), "environ"),
                    StandardCharsets.ISO_8859_1);
            assertTrue(List.of(environ.split("\0")).contains("MALLOC_ARENA_MAX=2"), environ);
            // The first start writes the class-data sharing archive when the JVM exits; later starts map it.
            assertTrue(arguments.contains("-XX:ArchiveClassesAtExit=" + home.toRealPath().resolve("lib/regie.jsa")),
                    arguments.toString());

            // The state folder is the distribution's, and the operator's token there opens the API.
            String token = Files.readString(home.resolve("state/operator.token")).strip();
            HttpClient http = HttpClient.newHttpClient();
            URI entities = URI.create("http://127.0.0.1:" + httpPort + "/api/entities?type=WasteContainer");
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(entities).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().startsWith("{\"total\":"), () -> answer.body().substring(0, Math.min(200, answer.body().length())));
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(entities).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), refused.body());

            Path logs = home.resolve("state/logs");
            awaitFile(logs.resolve("regie.log.1"), regie);
            assertEquals(0, regie.terminate(Duration.ofSeconds(45)), regie.transcript());
            assertTrue(regie.stdout().contains("Regie stopped"), regie.transcript());
            assertTrue(Files.size(home.resolve("lib/regie.jsa")) > 1_000_000, "the class-data sharing archive is written at exit");

            String logged = readAll(logs);
            assertTrue(logged.contains(" Regie ready in "), logged);
            assertTrue(logged.contains(" Regie stopped"), logged);
            assertFalse(logged.contains(token), "the operator's token never reaches the log file");
            // 1 KB a file, 1,000 files at most, so that every line of this run is still there to check (that the
            // oldest files are dropped is LogFileTest's).
            try (Stream<Path> files = Files.list(logs)) {
                for (Path file : files.toList()) {
                    assertTrue(Files.size(file) <= 1024 || Files.readAllLines(file).size() == 1,
                            file + " is " + Files.size(file) + " bytes, over the 1 KB limit with more than one line");
                }
            }
        }
    }

    @Test
    void aBadLineInJvmOptionsIsNamedAndNothingStarts(@TempDir Path elsewhere) throws Exception {
        Path options = elsewhere.resolve("jvm.options");
        Files.writeString(options, "# heap\n-Xmx64m\n\nXss512k\n");
        try (ChildProcess regie = ChildProcess.start(elsewhere, Map.of("REGIE_JVM_OPTIONS", options.toString()),
                List.of(home.resolve("bin/regie").toString()))) {
            assertEquals(1, regie.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("regie: " + options + " line 4: 'Xss512k' is not a JVM option (each line holds one, starting"
                    + " with -; # starts a comment)"), regie.stderr());
        }
        assertFalse(Files.exists(elsewhere.resolve("state")));
    }

    @Test
    void aJavaHomeWithoutJavaIsNamed(@TempDir Path elsewhere) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("JAVA_HOME", elsewhere.toString());
        try (ChildProcess regie = ChildProcess.start(elsewhere, environment, List.of(home.resolve("bin/regie").toString()))) {
            assertEquals(1, regie.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("regie: JAVA_HOME is " + elsewhere + ", but " + elsewhere + "/bin/java is not an executable:"
                    + " set JAVA_HOME to a Java 17 (or later) home"), regie.stderr());
        }
    }

    @Test
    void anOldJavaIsNamedBeforeItFailsOnTheLaunchersClassFiles(@TempDir Path oldJava) throws Exception {
        Files.createDirectories(oldJava.resolve("bin"));
        Files.createSymbolicLink(oldJava.resolve("bin/java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Files.writeString(oldJava.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"11.0.2\"\n");
        try (ChildProcess regie = ChildProcess.start(oldJava, Map.of("JAVA_HOME", oldJava.toString()),
                List.of(home.resolve("bin/regie").toString()))) {
            assertEquals(1, regie.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("regie: " + oldJava + "/bin/java is Java 11.0.2; Regie needs Java 17 or later (set JAVA_HOME)"),
                    regie.stderr());
        }
    }

    @Test
    void theUsersArgumentsReachTheLauncherAsGiven(@TempDir Path elsewhere) throws Exception {
        // A value with a blank and a quote stays one argument: the launcher names it in its error, whole.
        try (ChildProcess regie = ChildProcess.start(elsewhere, Map.of(), List.of(home.resolve("bin/regie").toString(),
                "--site", "de 'bilt"))) {
            assertEquals(2, regie.awaitExit(Duration.ofSeconds(30)));
            assertEquals("regie: --site: 'de 'bilt' is not a valid site name (letters, digits, '-' and '_' only)",
                    regie.stderr().get(0));
        }
    }

    @Test
    void theJvmOptionsComeFirstInTheirOrderThenTheLauncherThenTheUsersArgumentsUnchanged(@TempDir Path jdk) throws Exception {
        Path archive = jdk.resolve("cds/regie.jsa");
        Files.createDirectories(archive.getParent());
        List<String> arguments = fakeJavaArguments(jdk, false, archive, "--site", "a b", "--verbose");
        List<String> expected = new ArrayList<>(jvmOptions());
        expected.addAll(List.of("-Dregie.home=" + home.toRealPath(), "-jar", home.toRealPath().resolve("lib/regie-launcher.jar").toString(),
                "--site", "a b", "--verbose"));
        assertEquals(expected, arguments, "no class-data sharing without the JDK's own archive to build on");
    }

    @Test
    void theClassDataSharingArchiveIsWrittenOnceThenUsedAndWrittenAgainWhenTheLauncherIsNewer(@TempDir Path jdk) throws Exception {
        Path archive = jdk.resolve("cds/regie.jsa");
        Files.createDirectories(archive.getParent());
        assertTrue(fakeJavaArguments(jdk, true, archive).containsAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds*=off")));

        Files.writeString(archive, "an archive");
        Path jar = home.resolve("lib/regie-launcher.jar");
        Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Files.setLastModifiedTime(jdk.resolve("bin/java"), FileTime.fromMillis(0));
        assertTrue(fakeJavaArguments(jdk, true, archive).contains("-XX:SharedArchiveFile=" + archive));

        Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        assertTrue(fakeJavaArguments(jdk, true, archive).contains("-XX:ArchiveClassesAtExit=" + archive));
        assertFalse(Files.exists(archive), "the stale archive is removed before the JVM writes a new one");
    }

    /** What bin/regie passes to a java that only prints its arguments, one per line. */
    private static List<String> fakeJavaArguments(Path jdk, boolean baseArchive, Path archive, String... args) throws Exception {
        Path java = jdk.resolve("bin/java");
        if (!Files.exists(java)) {
            Files.createDirectories(java.getParent());
            Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        if (baseArchive) {
            Files.createDirectories(jdk.resolve("lib/server"));
            Files.writeString(jdk.resolve("lib/server/classes.jsa"), "the JDK's archive");
        }
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/regie").toString()));
        command.addAll(List.of(args));
        try (ChildProcess regie = ChildProcess.start(jdk, Map.of("JAVA_HOME", jdk.toString(), "REGIE_CDS_ARCHIVE", archive.toString()),
                command)) {
            assertEquals(0, regie.awaitExit(Duration.ofSeconds(30)), regie.transcript());
            return List.copyOf(regie.stdout());
        }
    }

    /** The options of the shipped config/jvm.options, in order. */
    private static List<String> jvmOptions() throws IOException {
        return Files.readAllLines(home.resolve("config/jvm.options")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    private static void awaitFile(Path file, ChildProcess regie) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                fail(file + " did not appear: the log did not rotate\n" + regie.transcript());
            }
            Thread.sleep(50);
        }
    }

    private static String readAll(Path logs) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.sorted().toList()) {
                all.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
