package nl.regie.launcher.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;
import nl.regie.runtime.testing.MutableClock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extension's decisions without HiveMQ: logins, a session whose password went away, the log's pace. */
class BrokerAccessTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tmp;

    private final BrokerLogins logins = BrokerLogins.random(RANDOM);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<String> disconnected = new CopyOnWriteArrayList<>();


    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDeviceWhosePasswordWentAwayMayDoNothingMoreAndIsDisconnected() throws Exception {
        Path passwd = tmp.resolve("passwd");
        PasswordFile.empty().with("bin-1", PasswordHash.of("one", RANDOM)).write(passwd);
        BrokerAccess access = new BrokerAccess("demo", passwd, logins, warnings::add);
        access.onRevoked(disconnected::add);
        assertTrue(access.login("bin-1", "bin-1", utf8("one")).allowed());
        assertTrue(access.publish("bin-1", "regie/v1/demo/dev/bin-1/tele").allowed());

        PasswordFile.empty().write(passwd);
        access.check();
        assertEquals(List.of("bin-1"), disconnected, "the watch tells the broker to disconnect it");
        assertFalse(access.publish("bin-1", "regie/v1/demo/dev/bin-1/tele").allowed(), "and it may do nothing more");
        assertFalse(access.subscribe("bin-1", "regie/v1/demo/dev/bin-1/cmd/+").allowed());
        assertEquals(BrokerAccess.Outcome.BAD_LOGIN, access.login("bin-1", "bin-1", utf8("one")).outcome());
        assertEquals(1, access.counts().revoked());
        assertTrue(warnings.contains("disconnected device bin-1: its password in " + passwd + " was revoked or changed"),
                warnings.toString());
    }

    @Test
    void theServicesLogInWithTheLaunchersPasswordsWhateverThePasswordFileSays() throws Exception {
        Path passwd = tmp.resolve("passwd");
        PasswordFile.empty().with("regie-bridge", PasswordHash.of("from-a-file", RANDOM)).write(passwd);
        BrokerAccess access = new BrokerAccess("demo", passwd, logins, warnings::add);
        assertTrue(access.login("regie-demo", "regie-bridge", utf8(logins.bridge().password())).allowed());
        assertEquals(BrokerAccess.Outcome.BAD_LOGIN, access.login("regie-demo", "regie-bridge", utf8("from-a-file")).outcome(),
                "the bridge's line in the file is not the embedded broker's");
        assertTrue(access.login("sim-demo-link-01", "regie-simulator", utf8(logins.simulator().password())).allowed());
        assertTrue(access.publish("sim-demo-link-01", "regie/v1/demo/dev/lamp-1/tele").allowed());
        assertFalse(access.publish("nobody", "regie/v1/demo/dev/lamp-1/tele").allowed(), "no login, no session");
    }

    @Test
    void aClientThatKeepsTryingGetsOneLineAMinuteWithACount() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
        BrokerAccess access = new BrokerAccess("demo", tmp.resolve("passwd"), logins, warnings::add, clock);
        for (int i = 0; i < 5; i++) {
            access.login("pest", null, null);
        }
        access.login("other", "x", utf8("y"));
        clock.advance(Duration.ofSeconds(61));
        access.login("pest", null, null);
        assertEquals(List.of(
                "refused the connection of client 'pest' without a user name: every client logs in",
                "refused the connection of client 'other' as user 'x': no such user in " + tmp.resolve("passwd"),
                "refused the connection of client 'pest' without a user name: every client logs in (and 4 more"
                        + " refusals of this client since the last such line)"), warnings);
        assertEquals(7, access.counts().logins(), "every refusal is counted");
    }
}
