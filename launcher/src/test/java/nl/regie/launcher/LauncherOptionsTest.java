package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nl.regie.launcher.LauncherOptions.UsageException;

class LauncherOptionsTest {

    @TempDir
    Path workingDir;

    private LauncherOptions parse(String... args) throws UsageException {
        return LauncherOptions.parse(List.of(args), workingDir);
    }

    private String error(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaultsAreSafe() throws Exception {
        LauncherOptions options = parse();
        assertEquals(8080, options.httpPort());
        assertEquals("127.0.0.1", options.httpHost());
        assertEquals(workingDir.resolve("plugins"), options.pluginsDir());
        assertEquals("demo", options.site());
        assertFalse(options.verbose());
        assertFalse(options.help());
    }

    @Test
    void readsEveryFlagInBothForms() throws Exception {
        LauncherOptions options = parse("--http-port", "8081", "--http-host=127.0.0.2", "--plugins", "/srv/regie/plugins",
                "--site=amsterdam", "--verbose");
        assertEquals(8081, options.httpPort());
        assertEquals("127.0.0.2", options.httpHost());
        assertEquals(Path.of("/srv/regie/plugins"), options.pluginsDir());
        assertEquals("amsterdam", options.site());
        assertTrue(options.verbose());
    }

    @Test
    void relativePluginsFolderIsTakenFromTheWorkingDirectory() throws Exception {
        assertEquals(workingDir.resolve("deploy/plugins"), parse("--plugins", "./deploy/plugins").pluginsDir());
    }

    @Test
    void helpWinsOverEverythingElse() throws Exception {
        assertTrue(parse("--frobnicate", "--help").help());
        assertTrue(parse("-h").help());
    }

    @Test
    void badPortsAreNamed() {
        assertEquals("--http-port: 'abc' is not a port number", error("--http-port", "abc"));
        assertEquals("--http-port: 70000 is out of range (1-65535)", error("--http-port", "70000"));
        assertEquals("--http-port: 0 is out of range (1-65535)", error("--http-port=0"));
        assertEquals("--http-port: -1 is out of range (1-65535)", error("--http-port", "-1"));
        assertEquals("--http-port needs a value", error("--http-port"));
        assertEquals("--http-port needs a value", error("--http-port", "--verbose"));
    }

    @Test
    void unknownFlagsAndStrayArgumentsAreRefused() {
        assertEquals("unknown flag --frobnicate", error("--frobnicate"));
        assertEquals("unexpected argument 'start'", error("start"));
        assertEquals("unexpected argument '-p'", error("-p", "80"));
    }

    @Test
    void brokerAndSimulatorFlagsAreNotAcceptedYet() {
        assertEquals("unknown flag --broker", error("--broker", "tcp://localhost:1883"));
        assertEquals("unknown flag --no-simulator", error("--no-simulator"));
        assertEquals("unknown flag --mqtt-port", error("--mqtt-port", "1884"));
    }

    @Test
    void siteNamesMustBeSafeInMqttTopics() {
        assertEquals("--site: 'a/b' is not a valid site name (letters, digits, '-' and '_' only)", error("--site", "a/b"));
        assertEquals("--site: '#' is not a valid site name (letters, digits, '-' and '_' only)", error("--site=#"));
        assertEquals("--site: the value must not be empty", error("--site="));
    }

    @Test
    void verboseTakesOnlyTrueOrFalse() throws Exception {
        assertFalse(parse("--verbose=false").verbose());
        assertEquals("--verbose: 'yes' is not true or false", error("--verbose=yes"));
    }

    @Test
    void configFileIsReadAndFlagsOverrideIt() throws Exception {
        Files.writeString(workingDir.resolve("regie.properties"), """
                # production settings
                http-port = 9090
                http-host = ::1
                site = rotterdam
                plugins = /opt/regie/plugins
                verbose = true
                """);
        LauncherOptions fromFile = parse("--config", "regie.properties");
        assertEquals(9090, fromFile.httpPort());
        assertEquals("::1", fromFile.httpHost());
        assertEquals("rotterdam", fromFile.site());
        assertEquals(Path.of("/opt/regie/plugins"), fromFile.pluginsDir());
        assertTrue(fromFile.verbose());

        LauncherOptions overridden = parse("--site", "utrecht", "--config", "regie.properties", "--http-port", "9191");
        assertEquals(9191, overridden.httpPort());
        assertEquals("utrecht", overridden.site());
        assertEquals("::1", overridden.httpHost());
    }

    @Test
    void aHostBeyondLoopbackIsRefusedUntilTheApiHasAuthentication() {
        LauncherOptions.UsageException e = assertThrows(LauncherOptions.UsageException.class,
                () -> parse("--http-host", "0.0.0.0"));
        assertTrue(e.getMessage().contains("--http-host: '0.0.0.0' is not a loopback address"), e.getMessage());
    }

    @Test
    void badConfigFilesAreNamed() throws IOException {
        Path file = workingDir.resolve("bad.properties");
        Files.writeString(file, "http-port=eighty\n");
        assertEquals("http-port in " + file + ": 'eighty' is not a port number", error("--config", file.toString()));

        Files.writeString(file, "broker=tcp://x:1883\n");
        assertTrue(error("--config", file.toString()).startsWith("--config: unknown key 'broker' in " + file));

        Path missing = workingDir.resolve("missing.properties");
        assertEquals("--config: " + missing + " does not exist", error("--config", "missing.properties"));
    }

    @Test
    void usageNamesEveryFlag() {
        String usage = LauncherOptions.usage();
        for (String flag : List.of("--http-port", "--http-host", "--plugins", "--site", "--config", "--verbose", "--help")) {
            assertTrue(usage.contains(flag), flag);
        }
    }
}
