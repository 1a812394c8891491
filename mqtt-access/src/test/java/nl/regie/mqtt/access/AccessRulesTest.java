package nl.regie.mqtt.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessRulesTest {

    private final AccessRules rules = AccessRules.forSite("demo");

    @ParameterizedTest(name = "{0} publishes {1}: {2}")
    @CsvSource({
        // A device: its own telemetry, state and acks, nothing else.
        "bin-1, regie/v1/demo/dev/bin-1/tele, true",
        "bin-1, regie/v1/demo/dev/bin-1/state, true",
        "bin-1, regie/v1/demo/dev/bin-1/ack/c-1, true",
        "bin-1, regie/v1/demo/dev/bin-1/ack, false",
        "bin-1, regie/v1/demo/dev/bin-1/ack/c-1/x, false",
        "bin-1, regie/v1/demo/dev/bin-1/cmd/c-1, false",
        "bin-1, regie/v1/demo/dev/bin-2/tele, false",
        "bin-1, regie/v1/demo/dev/bin-2/ack/c-1, false",
        "bin-1, regie/v1/other/dev/bin-1/tele, false",
        "bin-1, regie-it/1/echo, false",
        "bin-1, regie/v1/demo/dev/bin-1, false",
        // The bridge: commands to any device; no telemetry, no acks.
        "regie-bridge, regie/v1/demo/dev/bin-1/cmd/c-1, true",
        "regie-bridge, regie/v1/demo/dev/bin-1/tele, false",
        "regie-bridge, regie/v1/demo/dev/bin-1/ack/c-1, false",
        "regie-bridge, regie/v1/other/dev/bin-1/cmd/c-1, false",
        // The simulator: any device's telemetry, state and acks; no commands.
        "regie-simulator, regie/v1/demo/dev/bin-1/tele, true",
        "regie-simulator, regie/v1/demo/dev/lamp-7/state, true",
        "regie-simulator, regie/v1/demo/dev/lamp-7/ack/c-1, true",
        "regie-simulator, regie/v1/demo/dev/lamp-7/cmd/c-1, false",
        "regie-simulator, regie/v1/other/dev/lamp-7/tele, false",
    })
    void publish(String user, String topic, boolean allowed) {
        AccessRules.Verdict verdict = rules.publish(user, user, topic);
        assertEquals(allowed, verdict.allowed(), verdict.reason());
        assertEquals(allowed, verdict.reason().isEmpty());
    }

    @ParameterizedTest(name = "{0} subscribes {1}: {2}")
    @CsvSource({
        "bin-1, regie/v1/demo/dev/bin-1/cmd/+, true",
        "bin-1, regie/v1/demo/dev/bin-1/cmd/#, true",
        "bin-1, regie/v1/demo/dev/bin-1/cmd/c-1, true",
        "bin-1, $share/g/regie/v1/demo/dev/bin-1/cmd/+, true",
        "bin-1, regie/v1/demo/dev/bin-2/cmd/+, false",
        "bin-1, regie/v1/demo/dev/+/cmd/+, false",
        "bin-1, regie/v1/demo/dev/bin-1/#, false",
        "bin-1, regie/v1/demo/dev/bin-1/tele, false",
        "bin-1, #, false",
        "regie-bridge, regie/v1/demo/dev/+/tele, true",
        "regie-bridge, regie/v1/demo/dev/+/state, true",
        "regie-bridge, regie/v1/demo/dev/+/ack/+, true",
        "regie-bridge, regie/v1/demo/dev/bin-1/tele, true",
        "regie-bridge, regie/v1/demo/dev/#, false",
        "regie-bridge, regie/v1/demo/dev/+/cmd/+, false",
        "regie-simulator, regie/v1/demo/dev/lamp-7/cmd/+, true",
        "regie-simulator, regie/v1/demo/dev/+/cmd/+, true",
        "regie-simulator, regie/v1/demo/dev/+/tele, false",
    })
    void subscribe(String user, String filter, boolean allowed) {
        AccessRules.Verdict verdict = rules.subscribe(user, user, filter);
        assertEquals(allowed, verdict.allowed(), verdict.reason());
    }

    @Test
    void aRefusalSaysWhatTheUserMayDo() {
        assertEquals("user 'bin-1' may not publish on 'regie/v1/demo/dev/bin-2/tele'; it may publish on"
                + " regie/v1/demo/dev/bin-1/tele, regie/v1/demo/dev/bin-1/state, regie/v1/demo/dev/bin-1/ack/+",
                rules.publish("bin-1", "bin-1", "regie/v1/demo/dev/bin-2/tele").reason());
        assertEquals("user 'bin-1' may not subscribe to 'regie/v1/demo/dev/+/cmd/+'; it may receive"
                + " regie/v1/demo/dev/bin-1/cmd/#", rules.subscribe("bin-1", "bin-1", "regie/v1/demo/dev/+/cmd/+").reason());
    }

    /** As in Mosquitto: a wildcard in the user name or client id loses every right the pattern lines give. */
    @Test
    void aWildcardInTheUserOrClientIdGetsNothingFromThePatterns() {
        assertFalse(rules.publish("+", "+", "regie/v1/demo/dev/+/tele").allowed());
        assertFalse(rules.publish("bin-1", "bin-#", "regie/v1/demo/dev/bin-1/tele").allowed());
        assertTrue(rules.publish("regie-bridge", "regie+demo", "regie/v1/demo/dev/x/cmd/c").allowed(),
                "a user's own lines still count");
    }

    @Test
    void theMosquittoAclSaysTheSame() {
        String acl = rules.mosquittoAcl();
        String lines = acl.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).reduce("", (a, b) -> a + b + "\n");
        assertEquals("""
                pattern write regie/v1/demo/dev/%u/tele
                pattern write regie/v1/demo/dev/%u/state
                pattern write regie/v1/demo/dev/%u/ack/+
                pattern read regie/v1/demo/dev/%u/cmd/#
                user regie-bridge
                topic read regie/v1/demo/dev/+/tele
                topic read regie/v1/demo/dev/+/state
                topic read regie/v1/demo/dev/+/ack/+
                topic write regie/v1/demo/dev/+/cmd/+
                user regie-simulator
                topic write regie/v1/demo/dev/+/tele
                topic write regie/v1/demo/dev/+/state
                topic write regie/v1/demo/dev/+/ack/+
                topic read regie/v1/demo/dev/+/cmd/#
                """, lines);
        assertTrue(new AccessRules("north", "bridge-north", "sim-north").mosquittoAcl().contains("user bridge-north\n"));
    }

    @Test
    void badSitesAndUserNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> AccessRules.forSite("a/b"));
        assertThrows(IllegalArgumentException.class, () -> AccessRules.forSite("+"));
        assertThrows(IllegalArgumentException.class, () -> new AccessRules("demo", "a b", "sim"));
        assertThrows(IllegalArgumentException.class, () -> new AccessRules("demo", "same", "same"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bin-001|",
        "Gauge_7.north|",
        "a|",
        "bin:1|cannot have MQTT credentials: its ':' would end the user name",
        "bin/1|must be 1 to 128 letters",
        "bin+1|must be 1 to 128 letters",
        "|must be 1 to 128 letters",
        "regie-demo|begins with 'regie-', which is kept for Regie's own MQTT clients",
        "sim-demo-link-01|begins with 'sim-'",
    })
    void whichDeviceIdsMayHaveCredentials(String id, String problem) {
        Optional<String> found = AccessRules.deviceIdProblem(id == null ? "" : id);
        if (problem == null) {
            assertEquals(Optional.empty(), found);
        } else {
            assertTrue(found.orElseThrow().contains(problem), found.orElseThrow());
        }
        assertFalse(AccessRules.deviceIdProblem("x".repeat(129)).isEmpty());
    }
}
