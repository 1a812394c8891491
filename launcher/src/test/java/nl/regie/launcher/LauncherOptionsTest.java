package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import nl.regie.launcher.LauncherOptions.UsageException;
import nl.regie.simulator.SimulatorSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherOptionsTest {

    /** The simulator's defaults, on the launcher's 10 shared connections at most (SimulatorFlags.SHARED_CONNECTIONS). */
    private static final SimulatorSettings LAUNCHER_SIMULATOR = SimulatorSettings.defaults().withConnections(10, 10);


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
        assertEquals(workingDir.resolve("config"), options.configDir());
        assertEquals(workingDir.resolve("state"), options.stateDir());
        assertEquals("demo", options.site());
        assertFalse(options.verbose());
        assertFalse(options.shell(), "stdin is read only in a terminal, unless asked");
        assertFalse(options.help());
        assertEquals(1883, options.mqttPort());
        assertTrue(options.embeddedBroker());
        assertEquals("tcp://127.0.0.1:1883", options.mqttUrl());
        assertNull(options.mqttUsername());
        assertNull(options.mqttPassword());
        assertNull(options.mqttTruststore());
        assertNull(options.mqttTruststorePassword());
        assertEquals(LAUNCHER_SIMULATOR, options.simulator(),
                "the simulator is on, with its own defaults but for at most 10 shared connections");
    }

    @Test
    void aRoleSplitsTheSiteOverRuntimesOnAnExternalBroker() throws Exception {
        assertEquals(Role.ALL, parse().role());
        LauncherOptions core = parse("--role", "core", "--broker", "tcp://broker:1883");
        assertEquals(Role.CORE, core.role());
        assertTrue(core.runs(Part.LIFECYCLE) && core.runs(Part.WEB), "the core runs the plugins and serves HTTP");
        assertEquals(Set.of(), core.role().leftOut());

        LauncherOptions edge = parse("--role=edge", "--broker", "tcp://broker:1883");
        assertEquals(Role.EDGE, edge.role());
        assertTrue(edge.runs(Part.DEVICES) && edge.runs(Part.CONFIG), "an edge takes devices, configured by its folder");
        for (Part part : List.of(Part.WEB, Part.SOVEREIGNTY, Part.LIFECYCLE, Part.FEDERATION, Part.HISTORY)) {
            assertFalse(edge.runs(part), "an edge leaves out " + part);
        }
        assertEquals(Set.of("nl.regie.runtime.core"), edge.role().leftOut(), "no bus and no city state on an edge");
        assertNull(edge.simulator(), "no simulated city on an edge");
        assertEquals("edge", edge.role().property());
        assertNull(Role.ALL.property());
    }

    @Test
    void aRoleWithoutAnExternalBrokerOrAnUnknownOneIsRefused() {
        assertEquals("--role: the edge of a site meets its edges or core at an external broker; set --broker"
                + " (docs/scaling.md)", error("--role", "edge"));
        assertEquals("--role: 'satellite' is not a role; the roles are all, core, edge",
                error("--role", "satellite", "--broker", "tcp://broker:1883"));
    }

    @Test
    void readsEveryFlagInBothForms() throws Exception {
        LauncherOptions options = parse("--http-port", "8081", "--http-host=127.0.0.2", "--plugins", "/srv/regie/plugins",
                "--config-dir=/srv/regie/config", "--site=amsterdam", "--verbose");
        assertEquals(8081, options.httpPort());
        assertEquals("127.0.0.2", options.httpHost());
        assertEquals(Path.of("/srv/regie/plugins"), options.pluginsDir());
        assertEquals(Path.of("/srv/regie/config"), options.configDir());
        assertEquals("amsterdam", options.site());
        assertTrue(options.verbose());
    }

    @Test
    void relativePluginsFolderIsTakenFromTheWorkingDirectory() throws Exception {
        assertEquals(workingDir.resolve("deploy/plugins"), parse("--plugins", "./deploy/plugins").pluginsDir());
    }

    @Test
    void relativeConfigFolderIsTakenFromTheWorkingDirectory() throws Exception {
        assertEquals(workingDir.resolve("etc/regie"), parse("--config-dir", "./etc/regie/").configDir());
        assertEquals(workingDir.resolve("etc/regie"), parse("--config-dir=etc/x/../regie").configDir());
        assertEquals("--config-dir: the value must not be empty", error("--config-dir="));
        assertEquals("--config-dir needs a value", error("--config-dir"));
    }

    @Test
    void theStateFolderIsTakenFromTheWorkingDirectoryAndKeptApartFromThePlugins() throws Exception {
        assertEquals(workingDir.resolve("var/regie"), parse("--state-dir", "./var/regie/").stateDir());
        assertEquals(Path.of("/var/lib/regie"), parse("--state-dir=/var/lib/regie").stateDir());
        assertEquals("--state-dir: the value must not be empty", error("--state-dir="));
        assertEquals("--state-dir: the state folder " + workingDir.resolve("plugins/state") + " and the plugins folder "
                + workingDir.resolve("plugins") + " must be apart (the state folder keeps earlier versions' jars, which must"
                + " not be deployed); choose two folders, neither inside the other", error("--state-dir", "plugins/state"));
        assertTrue(error("--plugins", "state/plugins").startsWith("--plugins: the state folder " + workingDir.resolve("state")));
        Files.writeString(workingDir.resolve("regie.properties"), "state-dir = /srv/regie/state\nshell = true\n");
        LauncherOptions fromFile = parse("--config", "regie.properties");
        assertEquals(Path.of("/srv/regie/state"), fromFile.stateDir());
        assertTrue(fromFile.shell());
    }

    @Test
    void shellIsASwitch() throws Exception {
        assertTrue(parse("--shell").shell());
        assertFalse(parse("--shell=false").shell());
        assertEquals("--shell: 'please' is not true or false", error("--shell=please"));
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
                config-dir = /etc/regie/config
                verbose = true
                """);
        LauncherOptions fromFile = parse("--config", "regie.properties");
        assertEquals(9090, fromFile.httpPort());
        assertEquals("::1", fromFile.httpHost());
        assertEquals("rotterdam", fromFile.site());
        assertEquals(Path.of("/opt/regie/plugins"), fromFile.pluginsDir());
        assertEquals(Path.of("/etc/regie/config"), fromFile.configDir());
        assertTrue(fromFile.verbose());

        LauncherOptions overridden = parse("--site", "utrecht", "--config", "regie.properties", "--http-port", "9191");
        assertEquals(9191, overridden.httpPort());
        assertEquals("utrecht", overridden.site());
        assertEquals("::1", overridden.httpHost());
    }

    @Test
    void aHostBeyondLoopbackIsRefusedWithoutAnAccessToken() throws IOException {
        String e = error("--http-host", "0.0.0.0");
        assertTrue(e.startsWith("--http-host: '0.0.0.0' is not a loopback address, so every HTTP request needs a bearer"
                + " token, and " + workingDir.resolve("config").resolve("nl.regie.runtime.access.cfg") + " holds none"), e);
        Path config = Files.createDirectories(workingDir.resolve("config"));
        Files.writeString(config.resolve(AccessFile.NAME), "# no tokens yet\ntokens =\n");
        assertTrue(error("--http-host", "0.0.0.0").contains("holds none"));
    }

    @Test
    void aHostBeyondLoopbackIsAcceptedWithAnAccessToken() throws Exception {
        Path config = Files.createDirectories(workingDir.resolve("etc"));
        Files.writeString(config.resolve(AccessFile.NAME), "tokens = \\\n    ops city operator sha256:"
                + "a".repeat(64) + ", \\\n    app police read:* sha256:" + "B".repeat(64) + "\n");
        LauncherOptions options = parse("--http-host", "0.0.0.0", "--config-dir", "etc");
        assertEquals("0.0.0.0", options.httpHost());
        assertTrue(options.tokensRequired());
        assertEquals(2, AccessFile.tokens(config));
        assertFalse(parse().tokensRequired());
        assertFalse(parse("--http-host", "::1").tokensRequired());
    }

    @Test
    void aMalformedAccessTokenIsNamed() throws IOException {
        Path config = Files.createDirectories(workingDir.resolve("config"));
        Files.writeString(config.resolve(AccessFile.NAME), "tokens = ops city operator my-secret\n");
        String e = error("--http-host", "0.0.0.0");
        assertTrue(e.contains("token 'ops' must be '<name> <party> <scope>;<scope>... sha256:<64 hex digits>'"), e);
        assertFalse(e.contains("my-secret"), e);
    }

    @Test
    void badConfigFilesAreNamed() throws IOException {
        Path file = workingDir.resolve("bad.properties");
        Files.writeString(file, "http-port=eighty\n");
        assertEquals("http-port in " + file + ": 'eighty' is not a port number", error("--config", file.toString()));

        Files.writeString(file, "brocker=tcp://x:1883\n");
        assertTrue(error("--config", file.toString()).startsWith("--config: unknown key 'brocker' in " + file));

        Path missing = workingDir.resolve("missing.properties");
        assertEquals("--config: " + missing + " does not exist", error("--config", "missing.properties"));
    }

    @Test
    void usageNamesEveryFlag() {
        String usage = LauncherOptions.usage();
        for (String flag : List.of("--http-port", "--http-host", "--plugins", "--config-dir", "--state-dir", "--site",
                "--mqtt-port", "--broker", "--no-simulator", "--simulator-devices", "--simulator-speed", "--simulator-start",
                "--config", "--without", "--shell", "--dev-open-loopback", "--dev-unsigned-plugins", "--verbose", "--help",
                "regie:list", "regie:update",
                "mqtt-username", "mqtt-password", "mqtt-truststore", "mqtt-truststore-password")) {
            assertTrue(usage.contains(flag), flag);
        }
    }

    @Test
    void mqttPortSetsTheEmbeddedBrokersPort() throws Exception {
        LauncherOptions options = parse("--mqtt-port", "11883");
        assertEquals(11883, options.mqttPort());
        assertTrue(options.embeddedBroker());
        assertEquals("tcp://127.0.0.1:11883", options.mqttUrl());
        assertEquals(11884, parse("--mqtt-port=11884").mqttPort());
    }

    @Test
    void badMqttPortsAreNamed() {
        assertEquals("--mqtt-port: 'mqtt' is not a port number", error("--mqtt-port", "mqtt"));
        assertEquals("--mqtt-port: 0 is out of range (1-65535)", error("--mqtt-port", "0"));
        assertEquals("--mqtt-port: 65536 is out of range (1-65535)", error("--mqtt-port=65536"));
        assertEquals("--mqtt-port needs a value", error("--mqtt-port"));
        assertEquals("--mqtt-port: 8080 would be both the HTTP port and the embedded MQTT broker's port; choose two ports",
                error("--mqtt-port", "8080"));
        assertEquals("--http-port: 1883 would be both the HTTP port and the embedded MQTT broker's port; choose two ports",
                error("--http-port", "1883"));
    }

    @Test
    void brokerNamesAnExternalBrokerAndTheEmbeddedOneStaysOff() throws Exception {
        LauncherOptions tcp = parse("--broker", "tcp://mqtt.example.org:1884");
        assertFalse(tcp.embeddedBroker());
        assertEquals("tcp://mqtt.example.org:1884", tcp.broker());
        assertEquals("tcp://mqtt.example.org:1884", tcp.mqttUrl());

        assertEquals("ssl://10.0.0.7:8884", parse("--broker=ssl://10.0.0.7:8884").mqttUrl());
        assertEquals("ssl://[::1]:8884", parse("--broker", "ssl://[::1]:8884").mqttUrl());
        assertEquals("tcp://broker:1883", parse("--broker", "tcp://broker").mqttUrl(), "MQTT's port");
        assertEquals("ssl://broker:8883", parse("--broker", "ssl://broker/").mqttUrl(), "MQTT over TLS's port");
        assertEquals("tcp://broker:1883", parse("--broker", "TCP://broker:1883").mqttUrl());
    }

    @Test
    void badBrokerUrlsAreNamed() {
        String expected = " (expected tcp://host:port or ssl://host:port)";
        assertEquals("--broker: 'mqtt://broker:1883' uses mqtt://, which the launcher does not support" + expected,
                error("--broker", "mqtt://broker:1883"));
        assertEquals("--broker: 'ws://broker:8080' uses ws://, which the launcher does not support" + expected,
                error("--broker", "ws://broker:8080"));
        assertEquals("--broker: 'broker:1883' is not a broker URL" + expected, error("--broker", "broker:1883"));
        assertEquals("--broker: 'localhost' is not a broker URL" + expected, error("--broker", "localhost"));
        assertEquals("--broker: 'tcp://:1883' has no valid host" + expected, error("--broker", "tcp://:1883"));
        assertEquals("--broker: 'tcp://bro ker:1883' is not a valid URL: Illegal character in authority" + expected,
                error("--broker", "tcp://bro ker:1883"));
        assertEquals("--broker: 'tcp://broker:99999' has port 99999, out of range (1-65535)",
                error("--broker", "tcp://broker:99999"));
        assertEquals("--broker: 'tcp://broker:1883/regie' has a path, query or fragment; an MQTT broker URL has none" + expected,
                error("--broker", "tcp://broker:1883/regie"));
        assertEquals("--broker: 'tcp://...@broker:1883' has credentials in it; put them in the config file as"
                + " mqtt-username and mqtt-password", error("--broker", "tcp://regie:secret@broker:1883"));
        assertEquals("--broker: the value must not be empty", error("--broker="));
        assertEquals("--broker needs a value", error("--broker"));
    }

    @Test
    void theEmbeddedBrokersPortMeansNothingWithAnExternalBroker() {
        assertEquals("--mqtt-port: sets the embedded broker's port, but --broker names an external broker, so none is"
                + " embedded; drop one of them", error("--broker", "tcp://broker:1883", "--mqtt-port", "1884"));
    }

    @Test
    void theSimulatorIsOnUnlessTurnedOff() throws Exception {
        assertNull(parse("--no-simulator").simulator());
        assertNull(parse("--no-simulator=true").simulator());
        assertEquals(LAUNCHER_SIMULATOR, parse("--no-simulator=false").simulator());
        assertEquals("--no-simulator: 'off' is not true or false", error("--no-simulator=off"));
    }

    @Test
    void simulatorScaleAndSpeedGoIntoItsSettings() throws Exception {
        SimulatorSettings settings = parse("--simulator-devices", "500", "--simulator-speed=600").simulator();
        assertEquals(LAUNCHER_SIMULATOR.withDevices(500).withSpeed(600), settings);
        assertEquals(2.5, parse("--simulator-speed", "2.5").simulator().speed());
        assertEquals(10, parse("--simulator-devices", "10000").simulator().connections(),
                "10,000 devices share 10 connections (the simulator alone: 50), 30 Paho threads in Regie's process");
    }

    @Test
    void badSimulatorSettingsAreNamed() {
        assertEquals("--simulator-devices: 'many' is not a whole number", error("--simulator-devices", "many"));
        assertEquals("--simulator-devices: devices must be from 1 to 10000, not 0", error("--simulator-devices", "0"));
        assertEquals("--simulator-devices: devices must be from 1 to 10000, not 20000", error("--simulator-devices=20000"));
        assertEquals("--simulator-speed: 'fast' is not a number", error("--simulator-speed", "fast"));
        assertEquals("--simulator-speed: speed must be from 1 to 3600, not 0.5", error("--simulator-speed", "0.5"));
        assertEquals("--simulator-speed: speed must be from 1 to 3600, not NaN", error("--simulator-speed", "NaN"));
        assertEquals("--simulator-devices: the simulator is off (--no-simulator)",
                error("--no-simulator", "--simulator-devices", "10"));
    }

    @Test
    void simulatorStartIsAnInstantOrALocalTimeInAmsterdam() throws Exception {
        Instant winter = Instant.parse("2026-12-15T16:50:00Z");
        assertEquals(winter, parse("--simulator-start", "2026-12-15T16:50:00Z").simulator().clockStart());
        assertEquals(winter, parse("--simulator-start=2026-12-15T17:50").simulator().clockStart(), "CET: UTC+1");
        assertEquals(winter, parse("--simulator-start", "2026-12-15T17:50:00+01:00").simulator().clockStart());
        assertEquals(Instant.parse("2026-07-01T10:00:00Z"), parse("--simulator-start", "2026-07-01T12:00").simulator()
                .clockStart(), "CEST: UTC+2");
        assertEquals(LAUNCHER_SIMULATOR.withSpeed(600).withClockStart(winter),
                parse("--simulator-speed", "600", "--simulator-start", "2026-12-15T16:50:00Z").simulator());
        assertNull(parse().simulator().clockStart(), "by default: now");

        Files.writeString(workingDir.resolve("regie.properties"), "simulator-start = 2026-12-15T17:50\n");
        assertEquals(winter, parse("--config", "regie.properties").simulator().clockStart());
    }

    @Test
    void badSimulatorStartsAreNamed() throws IOException {
        String expected = " is not a time (expected an instant such as 2026-12-15T16:50:00Z, or a local date-time such as"
                + " 2026-12-15T17:50 in Europe/Amsterdam)";
        assertEquals("--simulator-start: 'tomorrow'" + expected, error("--simulator-start", "tomorrow"));
        assertEquals("--simulator-start: '2026-12-15'" + expected, error("--simulator-start", "2026-12-15"));
        assertEquals("--simulator-start: '2026-13-01T10:00'" + expected, error("--simulator-start=2026-13-01T10:00"));
        assertEquals("--simulator-start: the value must not be empty", error("--simulator-start="));
        assertEquals("--simulator-start needs a value", error("--simulator-start"));
        assertEquals("--simulator-start: the simulator is off (--no-simulator)",
                error("--no-simulator", "--simulator-start", "2026-12-15T16:50:00Z"));
        Path file = workingDir.resolve("bad.properties");
        Files.writeString(file, "simulator-start = 15-12-2026 17:50\n");
        assertEquals("simulator-start in " + file + ": '15-12-2026 17:50'" + expected, error("--config", file.toString()));
    }

    @Test
    void externalBrokerSettingsComeFromTheConfigFile() throws Exception {
        Path truststore = Files.writeString(workingDir.resolve("ca.p12"), "not really a trust store");
        Files.writeString(workingDir.resolve("regie.properties"), """
                broker = ssl://mqtt.city.example:8883
                mqtt-username = regie
                mqtt-password = s3cret with spaces
                mqtt-truststore = ca.p12
                mqtt-truststore-password = changeit
                no-simulator = true
                """);
        LauncherOptions options = parse("--config", "regie.properties");
        assertEquals("ssl://mqtt.city.example:8883", options.mqttUrl());
        assertEquals("regie", options.mqttUsername());
        assertEquals("s3cret with spaces", options.mqttPassword());
        assertEquals(truststore, options.mqttTruststore());
        assertEquals("changeit", options.mqttTruststorePassword());
        assertNull(options.simulator());
        assertFalse(options.toString().contains("s3cret"), options.toString());
        assertFalse(options.toString().contains("changeit"), options.toString());
    }

    @Test
    void credentialsAreNotTakenFromTheCommandLine() {
        for (String key : List.of("mqtt-username", "mqtt-password", "mqtt-truststore", "mqtt-truststore-password")) {
            assertEquals("--" + key + " is read from the config file only (--config FILE), so that credentials never"
                    + " show in the process list", error("--broker", "ssl://broker:8883", "--" + key, "x"));
        }
    }

    @Test
    void badExternalBrokerSettingsAreNamed() throws IOException {
        Path file = workingDir.resolve("mqtt.properties");
        Files.writeString(file, "mqtt-username=regie\n");
        assertEquals("mqtt-username in " + file + ": only used with an external broker (broker=tcp://... or ssl://...);"
                + " the embedded broker takes no credentials and no TLS", error("--config", file.toString()));

        Files.writeString(file, "broker=tcp://broker:1883\nmqtt-password=secret\n");
        assertEquals("mqtt-password in " + file + ": a password needs a user name: set mqtt-username too",
                error("--config", file.toString()));

        Files.writeString(file, "broker=tcp://broker:1883\nmqtt-truststore=ca.p12\n");
        assertEquals("mqtt-truststore in " + file + ": a trust store is only used with an ssl:// broker, not tcp://broker:1883",
                error("--config", file.toString()));

        Files.writeString(file, "broker=ssl://broker:8883\nmqtt-truststore=missing.p12\n");
        assertEquals("mqtt-truststore in " + file + ": " + workingDir.resolve("missing.p12") + " does not exist",
                error("--config", file.toString()));

        Files.writeString(file, "broker=ssl://broker:8883\nmqtt-truststore=.\n");
        assertEquals("mqtt-truststore in " + file + ": " + workingDir + " is not a readable file",
                error("--config", file.toString()));

        Files.writeString(file, "broker=ssl://broker:8883\nmqtt-truststore-password=changeit\n");
        assertEquals("mqtt-truststore-password in " + file + ": set mqtt-truststore too", error("--config", file.toString()));

        Files.writeString(file, "broker=ssl://broker:8883\nmqtt-username=\n");
        assertEquals("mqtt-username in " + file + ": the value must not be empty", error("--config", file.toString()));
    }

    @Test
    void flagsOverrideTheBrokerOfTheConfigFile() throws Exception {
        Files.writeString(workingDir.resolve("regie.properties"), "broker=tcp://old-broker:1883\nsimulator-devices=300\n");
        LauncherOptions options = parse("--config", "regie.properties", "--broker", "tcp://new-broker:1883");
        assertEquals("tcp://new-broker:1883", options.mqttUrl());
        assertEquals(300, options.simulator().devices());
    }

    @Test
    void withoutLeavesPartsOutAndTheirOptionsMustNotBeSet() throws Exception {
        assertEquals(Set.of(), parse().without());
        LauncherOptions options = parse("--without", "web,devices");
        assertEquals(Set.of(Part.WEB, Part.DEVICES), options.without());
        assertFalse(options.runs(Part.WEB));
        assertTrue(options.runs(Part.LIFECYCLE));
        assertNull(options.simulator(), "no device bridge, so no simulated devices");
        assertFalse(options.embeddedBroker(), "no device bridge, so no broker");
        assertEquals(Set.of(Part.SOVEREIGNTY), parse("--without=sovereignty").without());

        assertEquals("--without: 'http' is not a part of the runtime that can be left out; the parts are web, devices,"
                + " sovereignty, config, lifecycle, federation, history, public, ngsild", error("--without", "web,http"));
        assertEquals("--http-port: has no use when --without leaves out web; drop one of them",
                error("--without", "web", "--http-port", "9090"));
        assertEquals("--simulator-speed: has no use when --without leaves out devices; drop one of them",
                error("--without", "devices", "--simulator-speed", "600"));
        assertEquals("--plugins: has no use when --without leaves out lifecycle; drop one of them",
                error("--plugins", "p", "--without", "lifecycle"));
        assertEquals("--dev-unsigned-plugins: has no use when --without leaves out lifecycle; drop one of them",
                error("--dev-unsigned-plugins", "--without", "lifecycle"));
    }

    @Test
    void theLogFileIsInTheStateFolderByDefaultAndRotatesAtTenMegabytesKeepingFive() throws Exception {
        LogFile.Settings log = parse("--state-dir", "/var/lib/regie").logFile();
        assertEquals(new LogFile.Settings(Path.of("/var/lib/regie/logs/regie.log"), 10L * 1024 * 1024, 5), log);
        assertEquals(new LogFile.Settings(workingDir.resolve("log/r.log"), 512 * 1024, 3),
                parse("--log-file", "log/r.log", "--log-size", "512KB", "--log-count", "3").logFile());
        assertEquals(2L * 1024 * 1024 * 1024, parse("--log-size=2gb").logFile().maxBytes());
        assertEquals(4096, parse("--log-size=4096").logFile().maxBytes());
        assertNull(parse("--log-file", "off").logFile());
    }

    @Test
    void badLogSettingsAreNamed() throws IOException {
        assertEquals("--log-size: 'ten' is not a size (such as 10MB, 512KB or 1048576)", error("--log-size", "ten"));
        assertEquals("--log-size: '-1MB' is not a size (such as 10MB, 512KB or 1048576)", error("--log-size", "-1MB"));
        assertEquals("--log-size: '100' is out of range (1KB to 8EB)", error("--log-size", "100"));
        assertEquals("--log-size: '999999999999G' is out of range (1KB to 8EB)", error("--log-size", "999999999999G"));
        assertEquals("--log-count: 0 is out of range (1-1000)", error("--log-count", "0"));
        assertEquals("--log-count: 'many' is not a whole number of files", error("--log-count", "many"));
        assertEquals("--log-count: has no use when --log-file is off; drop one of them",
                error("--log-file", "off", "--log-count", "3"));
        Files.createDirectories(workingDir.resolve("logs"));
        assertEquals("--log-file: " + workingDir.resolve("logs") + " is a folder; name the log file in it, such as "
                + workingDir.resolve("logs/regie.log"), error("--log-file", "logs"));
        assertEquals("--log-file: the value must not be empty", error("--log-file="));
    }

    @Test
    void theStartScriptsHomeHoldsTheDefaultFoldersWhileGivenPathsStayRelativeToTheWorkingDirectory() throws Exception {
        Path home = workingDir.resolve("opt/regie");
        LauncherOptions options = LauncherOptions.parse(List.of("--config-dir", "etc"), workingDir, home);
        assertEquals(home.resolve("plugins"), options.pluginsDir());
        assertEquals(home.resolve("state"), options.stateDir());
        assertEquals(home.resolve("state/logs/regie.log"), options.logFile().file());
        assertEquals(workingDir.resolve("etc"), options.configDir());
    }
}
