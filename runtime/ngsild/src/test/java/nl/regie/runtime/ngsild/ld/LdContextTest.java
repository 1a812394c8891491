package nl.regie.runtime.ngsild.ld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A request's context from its Link header or its body; unknown remote contexts refused, never fetched. */
class LdContextTest {

    private static final String ORIGIN = "http://localhost:8080";
    private static final String REGIE = ORIGIN + Contexts.REGIE_PATH;
    private static final String REL = "; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
    private final Contexts contexts = Contexts.shipped();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void withoutALinkTheCoreContextNamesTheAnswer() {
        LdContext context = LdContext.fromLink(null, contexts, List.of(ORIGIN));
        assertEquals(Contexts.CORE, context.link());
        assertEquals("WasteContainer", context.term("WasteContainer"));
        assertEquals("https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel", context.term("fillingLevel"));
    }

    @Test
    void regiesContextByLinkGivesRegiesShortNames() {
        LdContext context = LdContext.fromLink("<" + REGIE + ">" + REL, contexts, List.of(ORIGIN));
        assertEquals(REGIE, context.link());
        assertEquals(List.of(REGIE, Contexts.CORE), context.value(), "the core context last in a JSON-LD answer");
        assertEquals("fillingLevel", context.term("fillingLevel"));
        assertEquals("fillingLevel", context.regieName("fillingLevel"));
        assertEquals("fillingLevel",
                context.regieName("https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel"));
    }

    @Test
    void everyPublishedCoreUrlIsTheShippedCopy() {
        for (String url : Contexts.CORE_ALIASES) {
            LdContext context = LdContext.fromLink("<" + url + ">" + REL, contexts, List.of(ORIGIN));
            assertEquals("https://uri.etsi.org/ngsi-ld/Property", context.terms().expand("Property"));
        }
    }

    @Test
    void anUnknownRemoteContextIsRefusedAndNeverFetched() {
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> LdContext.fromLink(
                "<http://127.0.0.1:1/never-fetched.jsonld>" + REL, contexts, List.of(ORIGIN)));
        assertEquals(ProblemType.LD_CONTEXT_NOT_AVAILABLE, e.type());
        assertEquals(503, e.type().status());
        // Regie's own path on another origin is someone else's document.
        assertThrows(NgsiLdException.class, () -> LdContext.fromLink("<http://elsewhere.example" + Contexts.REGIE_PATH
                + ">" + REL, contexts, List.of(ORIGIN)));
        assertThrows(NgsiLdException.class, () -> LdContext.fromBody(mapper.readTree(
                "[\"https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld\", \"https://x.example/c.jsonld\"]"),
                contexts, List.of(ORIGIN)));
    }

    @Test
    void aMalformedLinkIsBadRequestData() {
        NgsiLdException e = assertThrows(NgsiLdException.class,
                () -> LdContext.fromLink("not a link", contexts, List.of(ORIGIN)));
        assertEquals(ProblemType.BAD_REQUEST_DATA, e.type());
        assertThrows(NgsiLdException.class, () -> LdContext.fromLink("<" + REGIE + ">" + REL + ", <"
                + Contexts.CORE + ">" + REL, contexts, List.of(ORIGIN)));
    }

    @Test
    void aLinkOfAnotherRelationLeavesTheCoreContext() {
        LdContext context = LdContext.fromLink("<http://x.example/>; rel=\"alternate\"", contexts, List.of(ORIGIN));
        assertEquals(Contexts.CORE, context.link());
    }

    @Test
    void anInlineContextInTheBodyMapsTheCallersNamesToRegies() throws Exception {
        LdContext context = LdContext.fromBody(mapper.readTree("[{\"level\":"
                + " \"https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel\"},"
                + " \"https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld\"]"), contexts, List.of(ORIGIN));
        assertEquals("fillingLevel", context.regieName("level"));
        assertEquals("level", context.term("fillingLevel"));
        assertEquals("speed", context.regieName("speed"));
    }

    @Test
    void withTheCoreContextAloneASmartDataModelsNameStillMeansRegiesAttribute() {
        LdContext core = LdContext.fromLink(null, contexts, List.of(ORIGIN));
        assertEquals("fillingLevel", core.regieName("fillingLevel"));
        assertEquals("fillingLevel", core.regieNameOrNull("fillingLevel"));
        assertEquals("https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel", core.term("fillingLevel"),
                "answers are compacted against the caller's context");
    }

    @Test
    void aNameWithoutARegieNameIsRefusedOrUnmatched() throws Exception {
        LdContext context = LdContext.fromBody(mapper.readTree("{\"odd\": \"http://example.org/odd\"}"), contexts,
                List.of(ORIGIN));
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> context.regieName("odd"));
        assertTrue(e.getMessage().contains("http://example.org/odd"), e.getMessage());
        assertNull(context.regieNameOrNull("odd"));
    }

    @Test
    void aBodyWithoutAContextOrWithABadOneIsBadRequestData() throws Exception {
        assertEquals(ProblemType.BAD_REQUEST_DATA, assertThrows(NgsiLdException.class,
                () -> LdContext.fromBody(null, contexts, List.of(ORIGIN))).type());
        assertEquals(ProblemType.BAD_REQUEST_DATA, assertThrows(NgsiLdException.class,
                () -> LdContext.fromBody(mapper.readTree("42"), contexts, List.of(ORIGIN))).type());
    }
}
