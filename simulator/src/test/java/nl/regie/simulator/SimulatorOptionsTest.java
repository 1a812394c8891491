package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nl.regie.simulator.SimulatorOptions.UsageException;

class SimulatorOptionsTest {

    private static final String EXPECTED_URL = " (expected tcp://host:port or ssl://host:port)";
    private static final String EXPECTED_TIME = " is not a time (expected an instant such as 2026-12-15T16:50:00Z, or a"
            + " local date-time such as 2026-12-15T17:50 in Europe/Amsterdam)";

    @TempDir
    Path workingDir;

    private SimulatorOptions parse(String... args) throws UsageException {
        return parse(Map.of(), args);
    }

    private SimulatorOptions parse(Map<String, String> environment, String... args) throws UsageException {
        return SimulatorOptions.parse(List.of(args), environment, workingDir);
    }

    private String error(String... args) {
        return error(Map.of(), args);
    }

    private String error(Map<String, String> environment, String... args) {
        return assertThrows(UsageException.class, () -> parse(environment, args)).getMessage();
    }

    private static String password(BrokerLogin login) {
        return new String(login.password(), StandardCharsets.UTF_8);
    }

    @Test
    void defaultsAreTheLaunchersCityOnALocalBroker() throws Exception {
        SimulatorOptions options = parse();
        assertEquals("tcp://127.0.0.1:1883", options.broker());
        assertEquals("demo", options.site());
        assertEquals(SimulatorSettings.defaults(), options.settings());
        assertNull(options.login());
        assertFalse(options.help());
    }

    @Test
    void readsEveryFlagInBothForms() throws Exception {
        Files.writeString(workingDir.resolve("secret"), "s3cret with spaces\nignored second line\n");
        SimulatorOptions options = parse("--broker", "tcp://mqtt.example.org:1884", "--site=amsterdam", "--devices", "500",
                "--speed=600", "--start", "2026-12-15T16:50:00Z", "--username=sim", "--password-file", "secret");
        assertEquals("tcp://mqtt.example.org:1884", options.broker());
        assertEquals("amsterdam", options.site());
        assertEquals(SimulatorSettings.defaults().withDevices(500).withSpeed(600)
                .withClockStart(Instant.parse("2026-12-15T16:50:00Z")), options.settings());
        assertEquals("sim", options.login().username());
        assertEquals("s3cret with spaces", password(options.login()), "the first line, spaces and all");
        assertFalse(options.toString().contains("s3cret"), options.toString());
        assertFalse(options.login().toString().contains("s3cret"), options.login().toString());
    }

    @Test
    void helpWinsOverEverythingElse() throws Exception {
        assertTrue(parse("--devices", "many", "--help").help());
        assertTrue(parse("-h").help());
    }

    @Test
    void usageNamesEveryFlagAndTheLimits() {
        String usage = SimulatorOptions.usage();
        for (String text : List.of("--broker", "--site", "--devices", "--speed", "--start", "--username", "--password-file",
                "REGIE_SIMULATOR_PASSWORD", "--help", "1 to 10000 (default 120)", "1 to 3600 (default 60)",
                "Europe/Amsterdam", "Regie simulator ready", "Exit status")) {
            assertTrue(usage.contains(text), text);
        }
        assertFalse(usage.contains("%"), "every placeholder filled in");
    }

    @Test
    void theBrokerUrlGetsItsPort() throws Exception {
        assertEquals("ssl://10.0.0.7:8884", parse("--broker=ssl://10.0.0.7:8884").broker());
        assertEquals("ssl://[::1]:8884", parse("--broker", "ssl://[::1]:8884").broker());
        assertEquals("tcp://broker:1883", parse("--broker", "tcp://broker").broker(), "MQTT's port");
        assertEquals("ssl://broker:8883", parse("--broker", "ssl://broker/").broker(), "MQTT over TLS's port");
        assertEquals("tcp://broker:1883", parse("--broker", "TCP://broker:1883").broker());
    }

    @Test
    void badBrokerUrlsAreNamed() {
        assertEquals("--broker: 'mqtt://broker:1883' uses mqtt://, which the simulator does not support" + EXPECTED_URL,
                error("--broker", "mqtt://broker:1883"));
        assertEquals("--broker: 'broker:1883' is not a broker URL" + EXPECTED_URL, error("--broker", "broker:1883"));
        assertEquals("--broker: 'localhost' is not a broker URL" + EXPECTED_URL, error("--broker", "localhost"));
        assertEquals("--broker: 'tcp://:1883' has no valid host" + EXPECTED_URL, error("--broker", "tcp://:1883"));
        assertEquals("--broker: 'tcp://bro ker:1883' is not a valid URL: Illegal character in authority" + EXPECTED_URL,
                error("--broker", "tcp://bro ker:1883"));
        assertEquals("--broker: 'tcp://broker:99999' has port 99999, out of range (1-65535)",
                error("--broker", "tcp://broker:99999"));
        assertEquals("--broker: 'tcp://broker:0' has port 0, out of range (1-65535)", error("--broker", "tcp://broker:0"));
        assertEquals("--broker: 'tcp://broker:1883/regie' has a path, query or fragment; an MQTT broker URL has none"
                + EXPECTED_URL, error("--broker", "tcp://broker:1883/regie"));
        assertEquals("--broker: 'tcp://broker:1883?x=1' has a path, query or fragment; an MQTT broker URL has none"
                + EXPECTED_URL, error("--broker", "tcp://broker:1883?x=1"));
        assertEquals("--broker: 'tcp://...@broker:1883' has credentials in it; give the user name with --username and"
                + " the password with --password-file or REGIE_SIMULATOR_PASSWORD", error("--broker", "tcp://sim:secret@broker:1883"));
    }

    @Test
    void badSitesAreNamed() {
        assertEquals("--site: 'a/b' is not a valid site name (letters, digits, '-' and '_' only)", error("--site", "a/b"));
        assertEquals("--site: 'city+' is not a valid site name (letters, digits, '-' and '_' only)", error("--site=city+"));
        assertEquals("--site: '#' is not a valid site name (letters, digits, '-' and '_' only)", error("--site", "#"));
    }

    @Test
    void badDevicesAndSpeedsAreNamed() {
        assertEquals("--devices: 'many' is not a whole number", error("--devices", "many"));
        assertEquals("--devices: '1.5' is not a whole number", error("--devices", "1.5"));
        assertEquals("--devices: devices must be from 1 to 10000, not 0", error("--devices", "0"));
        assertEquals("--devices: devices must be from 1 to 10000, not 20000", error("--devices=20000"));
        assertEquals("--speed: 'fast' is not a number", error("--speed", "fast"));
        assertEquals("--speed: speed must be from 1 to 3600, not 0.5", error("--speed", "0.5"));
        assertEquals("--speed: speed must be from 1 to 3600, not 3601.0", error("--speed", "3601"));
        assertEquals("--speed: speed must be from 1 to 3600, not NaN", error("--speed", "NaN"));
    }

    @Test
    void startIsAnInstantOrALocalTimeInAmsterdam() throws Exception {
        Instant winter = Instant.parse("2026-12-15T16:50:00Z");
        assertEquals(winter, parse("--start", "2026-12-15T16:50:00Z").settings().clockStart());
        assertEquals(winter, parse("--start=2026-12-15T17:50").settings().clockStart(), "CET: UTC+1");
        assertEquals(winter, parse("--start", "2026-12-15T17:50:00+01:00").settings().clockStart());
        assertEquals(Instant.parse("2026-07-01T10:00:00Z"), parse("--start", "2026-07-01T12:00").settings().clockStart(),
                "CEST: UTC+2");
    }

    @Test
    void badStartsAreNamed() {
        assertEquals("--start: 'tomorrow'" + EXPECTED_TIME, error("--start", "tomorrow"));
        assertEquals("--start: '2026-12-15'" + EXPECTED_TIME, error("--start", "2026-12-15"));
        assertEquals("--start: '2026-13-01T10:00'" + EXPECTED_TIME, error("--start=2026-13-01T10:00"));
    }

    @Test
    void badCommandLinesAreNamed() {
        assertEquals("unknown flag --devicez", error("--devicez", "3"));
        assertEquals("unknown flag --simulator-devices", error("--simulator-devices", "3"), "the launcher's flag");
        assertEquals("unexpected argument 'tcp://broker:1883'", error("tcp://broker:1883"));
        assertEquals("unexpected argument '-d'", error("-d", "3"));
        for (String flag : List.of("broker", "site", "devices", "speed", "start", "username", "password-file")) {
            assertEquals("--" + flag + " needs a value", error("--" + flag));
            assertEquals("--" + flag + " needs a value", error("--" + flag, "--devices", "3"));
            assertEquals("--" + flag + ": the value must not be empty", error("--" + flag + "="));
            assertEquals("--" + flag + ": the value must not be empty", error("--" + flag, " "));
        }
        assertEquals("--devices is given twice", error("--devices", "3", "--devices=4"));
    }

    @Test
    void aPasswordComesFromTheEnvironmentWithAUserName() throws Exception {
        SimulatorOptions options = parse(Map.of("REGIE_SIMULATOR_PASSWORD", "from the environment"), "--username", "sim");
        assertEquals("sim", options.login().username());
        assertEquals("from the environment", password(options.login()));
        BrokerLogin withoutPassword = parse("--username", "sim").login();
        assertEquals("sim", withoutPassword.username());
        assertFalse(withoutPassword.hasPassword(), "a user name alone is a valid MQTT login");
        assertNull(withoutPassword.password());
    }

    @Test
    void aRelativePasswordFileIsTakenFromTheWorkingDirectory() throws Exception {
        Files.createDirectories(workingDir.resolve("etc"));
        Files.writeString(workingDir.resolve("etc/password"), "p\u00e4ss\r\n");
        BrokerLogin login = parse("--username", "sim", "--password-file", "./etc/password").login();
        assertArrayEquals("p\u00e4ss".getBytes(StandardCharsets.UTF_8), login.password(), "UTF-8, without the line end");
    }

    @Test
    void aPasswordIsNeverTakenFromTheCommandLine() {
        String expected = "--password is not taken on the command line, where the process list shows it; use"
                + " --password-file FILE or the environment variable REGIE_SIMULATOR_PASSWORD";
        assertEquals(expected, error("--username", "sim", "--password", "secret"));
        assertEquals(expected, error("--username", "sim", "--password=secret"));
    }

    @Test
    void badLoginsAreNamed() throws IOException {
        Path file = Files.writeString(workingDir.resolve("password"), "secret\n");
        Map<String, String> environment = Map.of("REGIE_SIMULATOR_PASSWORD", "secret");
        assertEquals("--password-file: a password needs a user name: give --username too",
                error("--password-file", file.toString()));
        assertEquals("REGIE_SIMULATOR_PASSWORD is set, but a password needs a user name: give --username too, or unset it",
                error(environment));
        assertEquals("--password-file and REGIE_SIMULATOR_PASSWORD both give a password; use one",
                error(environment, "--username", "sim", "--password-file", file.toString()));
        assertEquals("REGIE_SIMULATOR_PASSWORD is empty; unset it to connect without a password",
                error(Map.of("REGIE_SIMULATOR_PASSWORD", ""), "--username", "sim"));

        Path missing = workingDir.resolve("missing");
        assertEquals("--password-file: " + missing + " does not exist", error("--username", "sim", "--password-file", "missing"));
        Files.writeString(file, "\nsecret on the second line\n");
        assertEquals("--password-file: the first line of " + file + " is empty",
                error("--username", "sim", "--password-file", file.toString()));
        Files.writeString(file, "");
        assertEquals("--password-file: the first line of " + file + " is empty",
                error("--username", "sim", "--password-file", file.toString()));
        assertTrue(error("--username", "sim", "--password-file", workingDir.toString())
                .startsWith("--password-file: cannot read " + workingDir + ": "), "a folder");
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        assertTrue(error("--username", "sim", "--password-file", file.toString())
                .startsWith("--password-file: cannot read " + file + ": "), "not UTF-8");
    }
}
