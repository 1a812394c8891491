package nl.regie.runtime.web.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TokenListTest {

    static String hash(String secret) {
        return "sha256:" + HexFormat.of().formatHex(TokenList.sha256(secret));
    }

    @Test
    void parsesTokensAndFindsThemBySecret() {
        TokenList tokens = TokenList.parse(new String[] {
            "police-app police read:CrowdFlowObserved;read:TrafficFlowObserved " + hash("s3cret-police"),
            "  ",
            "ops city operator " + hash("s3cret-ops").toUpperCase().replace("SHA256:", "sha256:")});
        assertEquals(2, tokens.size());
        Token police = tokens.find("s3cret-police").orElseThrow();
        assertEquals("police-app", police.name());
        assertEquals("police", police.party());
        assertEquals(Set.of("read:CrowdFlowObserved", "read:TrafficFlowObserved"), police.scopes());
        assertEquals("ops", tokens.find("s3cret-ops").orElseThrow().name());
        assertTrue(tokens.find("s3cret-polic").isEmpty());
        assertTrue(tokens.find("").isEmpty());
        assertTrue(TokenList.EMPTY.find("s3cret-police").isEmpty());
    }

    @Test
    void theDigestIsOfTheSecretNotTheSecretItself() {
        TokenList tokens = TokenList.parse(new String[] {"a city read:* " + hash("x")});
        assertFalse(tokens.find(hash("x")).isPresent());
        assertTrue(tokens.find("x").isPresent());
    }

    private static String refusal(String... elements) {
        return assertThrows(IllegalArgumentException.class, () -> TokenList.parse(elements)).getMessage();
    }

    @Test
    void eachBadElementIsRefusedWithWhatIsWrong() {
        String ok = hash("x");
        assertEquals("token 'police-app' must be '<name> <party> <scope>;<scope>... sha256:<64 hex digits>'"
                + " (4 fields separated by spaces), has 3 field(s)", refusal("police-app police " + ok));
        assertTrue(refusal("bad/name city read:* " + ok).startsWith("token name 'bad/name' must be"));
        assertTrue(refusal("app Police read:* " + ok).startsWith("token 'app': party 'Police' must be a lower-case"));
        assertEquals("token 'app': unknown scope 'write:Bin'; known are read:<EntityType|*>, command:<EntityType|*>,"
                + " publish:<EntityType|*>, plugins, audit, metrics and operator", refusal("app city read:*;write:Bin " + ok));
        assertTrue(refusal("app city read:bin " + ok).startsWith("token 'app': scope 'read:bin' must name an entity type"));
        assertTrue(refusal("app city read: " + ok).startsWith("token 'app': scope 'read:' must name"));
        assertTrue(refusal("app city read:*; " + ok).startsWith("token 'app': unknown scope ''"));
        assertEquals("token 'app': the secret must be given as sha256:<64 hex digits> (the SHA-256 of the token,"
                + " never the token itself)", refusal("app city read:* my-plain-secret"));
        assertTrue(refusal("app city read:* sha256:abc").contains("sha256:<64 hex digits>"));
        assertEquals("token 'app' is configured twice", refusal("app city read:* " + ok, "app city audit " + hash("y")));
        assertEquals("token 'b' has the same secret as another token", refusal("a city read:* " + ok, "b city audit " + ok));
    }

    @Test
    void aRefusalNeverQuotesTheDigest() {
        String digest = hash("x");
        assertFalse(refusal("app Police read:* " + digest).contains(digest.substring(7)));
    }
}
