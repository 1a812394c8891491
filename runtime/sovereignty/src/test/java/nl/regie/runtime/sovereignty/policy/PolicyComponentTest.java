package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyComponentTest {

    private static final String KEY = "sha256:" + "c2".repeat(32);
    private static final Map<String, Object> GOOD = Map.of("keys", new String[] {"contractor " + KEY},
            "grants", new String[] {"contractor>city WasteContainer/#"},
            "services", new String[] {"nl.regie.waste drives WasteCompactor"});
    private static final Map<String, Object> BAD = Map.of("keys", new String[] {"Contractor " + KEY});

    @TempDir
    Path state;

    private final RecordingLogger log = new RecordingLogger();
    private final List<AuditEvent> audited = new ArrayList<>();

    @Test
    void aChangeAppliesAndABadOneLeavesThePolicyInForce() {
        PolicyComponent policy = new PolicyComponent(state, GOOD, audited::add, log.logger());
        assertEquals("contractor", policy.partyOfKey(KEY).orElseThrow());
        policy.modified(Map.of("keys", new String[] {"hauler " + KEY}));
        assertEquals("hauler", policy.partyOfKey(KEY).orElseThrow());
        policy.modified(BAD);
        assertEquals("hauler", policy.partyOfKey(KEY).orElseThrow());
        assertTrue(log.entries().stream().anyMatch(e -> e.level().equals("error")
                && e.message().contains("party 'Contractor' must be")), log.entries().toString());
    }

    @Test
    void aPolicyRefusedAtStartGivesWayToTheLastOneApplied() throws Exception {
        new PolicyComponent(state, GOOD, audited::add, log.logger());
        assertTrue(Files.exists(state.resolve("policy/applied.json")));

        PolicyComponent restarted = new PolicyComponent(state, BAD, audited::add, log.logger());
        restarted.signers(Map.of("nl.regie.waste", KEY));
        assertEquals("contractor", restarted.partyOfKey(KEY).orElseThrow());
        assertEquals(List.of("WasteCompactor"), restarted.grantedServices("nl.regie.waste", "drives"));
        assertEquals(Map.of(), restarted.deniedReads());
        AuditEvent last = audited.get(audited.size() - 1);
        assertEquals("applied", last.outcome());
        assertTrue(last.detail().contains("grants added [contractor>city WasteContainer/#]"), last.detail());
    }

    @Test
    void aServiceGrantAppliesAtOnceAndABadOneIsRefusedWhole() {
        PolicyComponent policy = new PolicyComponent(state, GOOD, audited::add, log.logger());
        policy.signers(Map.of("nl.regie.waste", KEY, "nl.regie.lighting", KEY));
        assertEquals(List.of("WasteCompactor"), policy.grantedServices("nl.regie.waste", "drives"));
        assertEquals(List.of(), policy.grantedServices("nl.regie.lighting", "drives"));
        policy.modified(Map.of("services", "nl.regie.waste drives WasteCompactor, nl.regie.waste serves /waste/"));
        assertEquals(List.of("WasteCompactor"), policy.grantedServices("nl.regie.waste", "drives"));
        assertTrue(log.entries().stream().anyMatch(e -> e.level().equals("error")
                && e.message().contains("'/waste/' must not end with '/'")), log.entries().toString());
        policy.modified(Map.of());
        assertEquals(List.of(), policy.grantedServices("nl.regie.waste", "drives"));
    }

    @Test
    void withoutALastPolicyARefusedOneLeavesTheDefault() {
        PolicyComponent policy = new PolicyComponent(state, BAD, audited::add, log.logger());
        assertEquals(AccessPolicy.NO_PARTY, policy.partyOfPlugin("nl.regie.waste"));
        assertTrue(policy.partyOfKey(KEY).isEmpty());
        assertEquals(AccessPolicy.DEFAULT_PARTY, policy.partyOfSource("bin-001"));
        assertEquals("refused", audited.get(0).outcome());
    }
}
