package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import nl.regie.launcher.broker.BrokerLogins;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runtime learns from the launcher through framework properties. */
class FrameworkPropertiesTest {

    @TempDir
    Path workingDir;

    @Test
    void theEmbeddedBrokersUrlTheSiteAndTheBridgesLoginMadeForThisStart() throws Exception {
        LauncherOptions options = LauncherOptions.parse(List.of("--mqtt-port", "11883", "--site", "utrecht"), workingDir);
        BrokerLogins logins = BrokerLogins.random(new SecureRandom());
        Map<String, String> p = FrameworkProperties.of(options, workingDir.resolve("cache"), false, logins.bridge());
        assertEquals("utrecht", p.get("regie.site"));
        assertEquals("tcp://127.0.0.1:11883", p.get("regie.mqtt.url"));
        assertEquals(workingDir.resolve("config").toString(), p.get("regie.config.dir"), "the runtime's configuration folder");
        assertEquals("regie-bridge", p.get("regie.mqtt.username"));
        assertEquals(logins.bridge().password(), p.get("regie.mqtt.password"));
        assertFalse(p.containsValue(logins.simulator().password()), "the simulator's password is the simulator's alone");
        for (String key : List.of("regie.mqtt.truststore", "regie.mqtt.truststore.password")) {
            assertFalse(p.containsKey(key), key);
        }
    }

    /**
     * The simulated city dates its readings by its own clock: while it may run ahead of the wall clock, the bridge's
     * check of readings dated ahead is off; without the simulator, or with one that cannot get ahead, it stays on.
     */
    @Test
    void theFutureCheckIsOffOnlyWhileTheSimulatorsClockCanRunAhead() throws Exception {
        assertEquals("off", properties().get("regie.mqtt.future.check"), "speed 60 by default");
        assertEquals("off", properties("--simulator-speed", "1", "--simulator-start", "2100-01-01T00:00:00Z")
                .get("regie.mqtt.future.check"), "a start in the future");
        assertNull(properties("--simulator-speed", "1").get("regie.mqtt.future.check"), "the wall clock's pace, from now");
        assertNull(properties("--simulator-speed", "1", "--simulator-start", "2020-01-01T00:00:00Z")
                .get("regie.mqtt.future.check"), "the wall clock's pace, in the past");
        assertNull(properties("--no-simulator").get("regie.mqtt.future.check"));
        assertNull(properties("--broker", "tcp://10.1.2.3:1883", "--no-simulator").get("regie.mqtt.future.check"));
    }

    /** Unsigned plugins come in only with the development switch, never by default. */
    @Test
    void unsignedPluginsOnlyWithTheDevelopmentSwitch() throws Exception {
        assertNull(properties().get("regie.plugins.unsigned"));
        assertEquals("true", properties("--dev-unsigned-plugins").get("regie.plugins.unsigned"));
    }

    private Map<String, String> properties(String... args) throws Exception {
        return FrameworkProperties.of(LauncherOptions.parse(List.of(args), workingDir), workingDir.resolve("cache"));
    }

    @Test
    void theFoldersTheRuntimeUsesAndAShellThatReadsStdinOnlyWhenAsked() throws Exception {
        LauncherOptions options = LauncherOptions.parse(List.of("--plugins", "deploy", "--state-dir", "var/state"), workingDir);
        Map<String, String> p = FrameworkProperties.of(options, workingDir.resolve("cache"));
        assertEquals(workingDir.resolve("deploy").toString(), p.get("regie.plugins.dir"));
        assertEquals(p.get("regie.plugins.dir"), p.get("felix.fileinstall.dir"), "FileInstall watches the same folder");
        assertEquals(workingDir.resolve("var/state").toString(), p.get("regie.state.dir"));
        assertEquals("--nointeractive", p.get("gosh.args"), "under a service manager or a test, stdin is never read");
        assertEquals("--noshutdown", FrameworkProperties.of(options, workingDir.resolve("cache"), true, null).get("gosh.args"),
                "in a terminal, or with --shell; closing the shell leaves Regie running");
        assertEquals("--noshutdown", FrameworkProperties.of(LauncherOptions.parse(List.of("--shell"), workingDir),
                workingDir.resolve("cache")).get("gosh.args"));
    }

    @Test
    void anExternalBrokerWithWhatItNeeds() throws Exception {
        Path truststore = Files.writeString(workingDir.resolve("ca.p12"), "a trust store");
        Files.writeString(workingDir.resolve("regie.properties"), """
                broker = ssl://mqtt.city.example
                mqtt-username = regie
                mqtt-password = s3cret
                mqtt-truststore = ca.p12
                mqtt-truststore-password = changeit
                """);
        LauncherOptions options = LauncherOptions.parse(List.of("--config", "regie.properties"), workingDir);
        Map<String, String> p = FrameworkProperties.of(options, workingDir.resolve("cache"));
        assertEquals("ssl://mqtt.city.example:8883", p.get("regie.mqtt.url"));
        assertEquals("regie", p.get("regie.mqtt.username"));
        assertEquals("s3cret", p.get("regie.mqtt.password"));
        assertEquals(truststore.toString(), p.get("regie.mqtt.truststore"));
        assertEquals("changeit", p.get("regie.mqtt.truststore.password"));

        Files.writeString(workingDir.resolve("regie.properties"), "broker = tcp://10.1.2.3:1883\nmqtt-username = regie\n");
        Map<String, String> userOnly = FrameworkProperties.of(
                LauncherOptions.parse(List.of("--config", "regie.properties"), workingDir), workingDir.resolve("cache"));
        assertEquals("regie", userOnly.get("regie.mqtt.username"));
        assertFalse(userOnly.containsKey("regie.mqtt.password"));
    }
}
