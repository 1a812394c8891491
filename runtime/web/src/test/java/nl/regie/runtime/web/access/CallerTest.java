package nl.regie.runtime.web.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

class CallerTest {

    @Test
    void scopesSayWhatACallerMayDo() {
        Caller police = new Caller("police-app", "police", Set.of("read:CrowdFlowObserved", "command:Streetlight"));
        assertTrue(police.mayRead("CrowdFlowObserved"));
        assertFalse(police.mayRead("WasteContainer"));
        assertTrue(police.mayReadAny());
        assertEquals(Set.of("CrowdFlowObserved"), police.readTypes());
        assertTrue(police.mayCommand("Streetlight"));
        assertFalse(police.mayCommand("WasteContainer"));
        assertFalse(police.mayManagePlugins());
        assertFalse(police.mayAudit());
        assertFalse(police.mayReadMetrics());
        assertFalse(police.operator());

        Caller all = new Caller("all", "city", Set.of("read:*", "command:*", "plugins", "audit", "metrics"));
        assertTrue(all.mayRead("Anything"));
        assertNull(all.readTypes());
        assertTrue(all.mayCommand("Anything"));
        assertTrue(all.mayManagePlugins() && all.mayAudit() && all.mayReadMetrics());
        assertFalse(all.operator());
    }

    @Test
    void theOperatorMayDoEverythingAndNobodyNothing() {
        Caller operator = Caller.LOCAL_OPERATOR;
        assertTrue(operator.operator() && operator.mayRead("X") && operator.mayCommand("X") && operator.mayAudit()
                && operator.mayManagePlugins() && operator.mayReadMetrics());
        assertNull(operator.readTypes());
        Caller nobody = Caller.NOBODY;
        assertFalse(nobody.mayReadAny() || nobody.mayCommandAny() || nobody.mayAudit() || nobody.mayManagePlugins());
        assertEquals(Set.of(), nobody.readTypes());
    }

    @Test
    void pathsNeedTheirScopes() {
        Caller reader = new Caller("r", "police", Set.of("read:CrowdFlowObserved"));
        assertNull(AccessRules.refusal("GET", "/api/entities", reader));
        assertNull(AccessRules.refusal("GET", "/api/entities/urn:ngsi-ld:X:1", reader));
        assertNull(AccessRules.refusal("GET", "/api/stream", reader));
        assertNull(AccessRules.refusal("GET", "/api/alerts", reader));
        assertNull(AccessRules.refusal("GET", "/api/devices/d1", reader));
        assertNull(AccessRules.refusal("GET", "/api/notifications", reader));
        assertNull(AccessRules.refusal("GET", "/health", reader));
        assertEquals("command:<EntityType>", AccessRules.refusal("POST", "/api/commands", reader));
        assertEquals("plugins", AccessRules.refusal("GET", "/api/plugins", reader));
        assertEquals("plugins", AccessRules.refusal("POST", "/api/plugins/x/rollback", reader));
        assertEquals("audit", AccessRules.refusal("GET", "/api/audit", reader));
        assertEquals("audit", AccessRules.refusal("GET", "/api/config", reader));
        assertEquals("metrics", AccessRules.refusal("GET", "/metrics", reader));
        assertEquals("operator", AccessRules.refusal("GET", "/api/something-new", reader));
        assertEquals("operator", AccessRules.refusal("GET", "/api/pluginsx", reader));
        // Who may speak for which device is the operator's to say, however broad a token's reading is.
        Caller allSeeing = new Caller("all", "city", Set.of("read:*", "command:*", "plugins", "audit", "metrics"));
        assertEquals("operator", AccessRules.refusal("POST", "/api/devices", allSeeing));
        assertEquals("operator", AccessRules.refusal("POST", "/api/devices/bin-1/credentials", allSeeing));
        assertEquals("operator", AccessRules.refusal("DELETE", "/api/devices/bin-1/credentials", allSeeing));
        assertEquals("operator", AccessRules.refusal("PUT", "/api/devices/bin-1", allSeeing));
        assertNull(AccessRules.refusal("GET", "/api/devices", allSeeing));
        assertNull(AccessRules.refusal("HEAD", "/api/devices/bin-1", allSeeing));
        assertNull(AccessRules.refusal("POST", "/api/devices", Caller.LOCAL_OPERATOR));

        Caller commander = new Caller("c", "city", Set.of("command:Streetlight"));
        assertEquals("read:<EntityType>", AccessRules.refusal("GET", "/api/entities", commander));
        assertNull(AccessRules.refusal("POST", "/api/commands", commander));
        assertNull(AccessRules.refusal("GET", "/api/commands/abc", commander));
        for (String path : new String[] {"/api/entities", "/api/plugins", "/api/audit", "/metrics", "/api/x"}) {
            assertNull(AccessRules.refusal("GET", path, Caller.LOCAL_OPERATOR), path);
        }
    }

    @Test
    void onlyTheWebPageAndThePublicSideArePublic() {
        assertTrue(AccessRules.publicAsset("GET", "/"));
        assertTrue(AccessRules.publicAsset("GET", "/ui/app.js"));
        assertTrue(AccessRules.publicAsset("HEAD", "/ui/style.css"));
        assertFalse(AccessRules.publicAsset("POST", "/"));
        assertFalse(AccessRules.publicAsset("GET", "/uix"));
        assertFalse(AccessRules.publicAsset("GET", "/api/entities"));
        assertFalse(AccessRules.publicAsset("GET", "/health"));
        assertTrue(AccessRules.publicAsset("GET", "/public/sensors"));
        assertTrue(AccessRules.publicAsset("HEAD", "/public/alerts.atom"));
        assertTrue(AccessRules.publicAsset("GET", "/public"));
        assertFalse(AccessRules.publicAsset("POST", "/public/sensors"));
        assertFalse(AccessRules.publicAsset("DELETE", "/public/sensors"));
        assertFalse(AccessRules.publicAsset("GET", "/publicity"));
        assertFalse(AccessRules.publicAsset("GET", "/api/public"));
    }
}
