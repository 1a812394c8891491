package nl.regie.runtime.core.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.Test;

/** A service others trust needs the plugin's declaration and the policy's grant, both, and is audited once. */
class ServiceGrantTest {

    private static final String GATES = "nl.example.gates";

    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final TestPolicy policy = new TestPolicy();
    private final ScopeGuards guards = new ScopeGuards(policy, audit, new RecordingLogger().logger(), 1,
            Clock.systemUTC());

    private ScopeGuard gates(String version, Map<String, List<String>> services) {
        return guards.forPlugin(new Owner(GATES, version, 17), DeclaredScope.of(List.of(), List.of(), List.of(),
                services));
    }

    @Test
    void aDriverNeedsItsTypesDeclaredAndGranted() {
        ScopeGuard declared = gates("1.0.0", Map.of("drives", List.of("FloodGate")));

        String ungranted = declared.serviceRefusal("drives", List.of("FloodGate"), "ActuationDriver service 9");
        assertEquals("plugin nl.example.gates 1.0.0 may not register ActuationDriver service 9: the policy does not"
                + " grant it drives FloodGate (granted []); the operator grants it with a services rule of"
                + " nl.regie.runtime.policy", ungranted);

        policy.grant(GATES, "drives", "FloodGate", "Sluice");
        assertNull(declared.serviceRefusal("drives", List.of("FloodGate"), "ActuationDriver service 9"));
        assertTrue(declared.mayUse("drives", "FloodGate"));

        String undeclared = declared.serviceRefusal("drives", List.of("FloodGate", "Sluice"), "ActuationDriver service 10");
        assertEquals("plugin nl.example.gates 1.0.0 may not register ActuationDriver service 10: drives Sluice is not in"
                + " its declared scope (drives [FloodGate])", undeclared);
        assertFalse(declared.mayUse("drives", "Sluice"));

        policy.grant(GATES, "drives");
        assertFalse(declared.mayUse("drives", "FloodGate"), "a grant withdrawn is withdrawn at once");
    }

    @Test
    void everyTypeDeclaredAndGrantedCoversAnyType() {
        ScopeGuard all = gates("1.0.0", Map.of("drives", List.of("*")));
        policy.grant(GATES, "drives", "*");
        assertNull(all.serviceRefusal("drives", List.of("Streetlight", "FloodGate"), "ActuationDriver service 1"));
        policy.grant(GATES, "drives", "FloodGate");
        assertTrue(all.mayUse("drives", "FloodGate"));
        assertFalse(all.mayUse("drives", "Streetlight"));
    }

    @Test
    void aNotifierNeedsSomePartyBothDeclaredAndGrantedAndGetsOnlyThose() {
        ScopeGuard nothing = gates("1.0.0", Map.of());
        assertEquals("plugin nl.example.gates 1.0.0 may not register Notifier service 4: its declared scope has no"
                + " notifies (@PluginScope(notifies = ...))", nothing.serviceRefusal("notifies", List.of(),
                "Notifier service 4"));

        ScopeGuard every = gates("1.0.0", Map.of("notifies", List.of("*")));
        assertTrue(every.serviceRefusal("notifies", List.of(), "Notifier service 5")
                .endsWith("the policy grants it no notifies its scope declares (declared [*], granted []); the operator"
                        + " grants it with a services rule of nl.regie.runtime.policy"));
        policy.grant(GATES, "notifies", "waterboard");
        assertNull(every.serviceRefusal("notifies", List.of(), "Notifier service 5"));

        policy.party("nl.dijkwacht.flood", "waterboard").party("nl.example.crowds", "police");
        assertTrue(every.mayDeliverFrom("nl.dijkwacht.flood"));
        assertFalse(every.mayDeliverFrom("nl.example.crowds"));

        ScopeGuard city = gates("1.0.0", Map.of("notifies", List.of("city")));
        assertTrue(city.serviceRefusal("notifies", List.of(), "Notifier service 6").contains("declared [city], granted"
                + " [waterboard]"));
    }

    @Test
    void pathsAreCoveredByPrefixAndTheRuntimesOwnBundlesNeedNothing() {
        ScopeGuard acme = gates("1.0.0", Map.of("serves", List.of("/acme")));
        policy.grant(GATES, "serves", "/acme/v1");
        assertNull(acme.serviceRefusal("serves", List.of("/acme/v1/state"), "servlet 1"));
        assertTrue(acme.serviceRefusal("serves", List.of("/acme/v2"), "servlet 2")
                .contains("the policy does not grant it serves /acme/v2 (granted [/acme/v1])"));
        assertTrue(acme.serviceRefusal("serves", List.of("/"), "servlet 3")
                .contains("serves / is not in its declared scope (serves [/acme])"));

        assertNull(guards.unrestricted().serviceRefusal("serves", List.of("/"), "servlet 4"));
        assertTrue(guards.unrestricted().mayUse("drives", "Anything"));
        assertTrue(guards.unrestricted().mayDeliverFrom("anyone"));
    }

    @Test
    void refusalsAreCountedEachTimeAndAuditedOncePerVersionAndValue() {
        ScopeGuard first = gates("1.0.0", Map.of());
        for (int i = 0; i < 5; i++) {
            first.serviceRefusal("drives", List.of("Streetlight"), "ActuationDriver service " + i);
        }
        first.serviceRefusal("serves", List.of("/"), "HTTP whiteboard service 7");
        gates("1.1.0", Map.of()).serviceRefusal("drives", List.of("Streetlight"), "ActuationDriver service 8");

        assertEquals(Map.of(GATES, Map.of("drives", 6L, "serves", 1L)), guards.refusalsByPluginAndKind());
        List<AuditEvent> audited = audit.ofKind(AuditEvent.SERVICE);
        assertEquals(List.of("drives ActuationDriver service 0", "serves HTTP whiteboard service 7",
                "drives ActuationDriver service 8"), audited.stream().map(e -> e.action() + " " + e.target()).toList());
        assertTrue(audited.stream().allMatch(e -> e.outcome().equals("denied") && e.actor().equals(GATES)));
        assertEquals(List.of(), audit.ofKind(AuditEvent.SCOPE));
    }
}
