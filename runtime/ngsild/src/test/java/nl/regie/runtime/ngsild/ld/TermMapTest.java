package nl.regie.runtime.ngsild.ld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Expanding names to IRIs and back, against the shipped contexts and contexts given inline. */
class TermMapTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Contexts contexts = Contexts.shipped();

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @Test
    void theCoreContextExpandsItsTermsThroughItsPrefixes() {
        TermMap core = contexts.core();
        assertEquals("https://uri.etsi.org/ngsi-ld/Property", core.expand("Property"));
        assertEquals("https://uri.etsi.org/ngsi-ld/hasValue", core.expand("value"));
        assertEquals("https://uri.etsi.org/ngsi-ld/location", core.expand("location"));
        assertEquals("https://purl.org/geojson/vocab#Point", core.expand("Point"));
        assertEquals("https://uri.etsi.org/ngsi-ld/observedAt", core.expand("observedAt"));
    }

    @Test
    void aNameNoContextDefinesGoesUnderTheDefaultVocabularyAndComesBack() {
        TermMap core = contexts.core();
        assertEquals("https://uri.etsi.org/ngsi-ld/default-context/WasteContainer", core.expand("WasteContainer"));
        assertEquals("WasteContainer", core.compact("https://uri.etsi.org/ngsi-ld/default-context/WasteContainer"));
    }

    @Test
    void regiesContextNamesTheSmartDataModelsAttributes() {
        TermMap regie = contexts.regie();
        String iri = "https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel";
        assertEquals(iri, regie.expand("fillingLevel"));
        assertEquals("fillingLevel", regie.compact(iri));
        // With the core context alone the same IRI has no short name: it stays whole.
        assertEquals(iri, contexts.core().compact(iri));
    }

    @Test
    void absoluteAndCompactIrisExpand() throws Exception {
        TermMap inline = contexts.core().with(TermMap.parse(json(
                "{\"sdm\": \"https://smartdatamodels.org/dataModel.WasteManagement/\", \"level\": \"sdm:fillingLevel\"}")));
        assertEquals("https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel", inline.expand("level"));
        assertEquals("https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel",
                inline.expand("sdm:fillingLevel"));
        assertEquals("http://example.org/x", inline.expand("http://example.org/x"));
        assertEquals("urn:example:x", inline.expand("urn:example:x"));
        assertEquals("level", inline.compact("https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel"));
    }

    @Test
    void aLaterContextOverridesAnEarlierTermAndItsVocabulary() throws Exception {
        TermMap later = contexts.core().with(TermMap.parse(json(
                "{\"location\": \"http://example.org/where\", \"@vocab\": \"http://example.org/v/\"}")));
        assertEquals("http://example.org/where", later.expand("location"));
        assertEquals("http://example.org/v/thing", later.expand("thing"));
        assertEquals("thing", later.compact("http://example.org/v/thing"));
    }

    @Test
    void aTermWithAnExpandedDefinitionTakesItsId() throws Exception {
        TermMap map = TermMap.parse(json("{\"when\": {\"@id\": \"http://example.org/when\", \"@type\": \"DateTime\"}}"));
        assertEquals("http://example.org/when", map.expand("when"));
    }

    @Test
    void badDefinitionsAreRefusedNamingTheTerm() throws Exception {
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> TermMap.parse(json("{\"x\": 5}")));
        assertEquals(ProblemType.BAD_REQUEST_DATA, e.type());
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(NgsiLdException.class, () -> TermMap.parse(json("[1]")));
        StringBuilder huge = new StringBuilder("{");
        for (int i = 0; i <= TermMap.MAX_TERMS; i++) {
            huge.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"http://e/").append(i).append('"');
        }
        NgsiLdException tooMany = assertThrows(NgsiLdException.class, () -> TermMap.parse(json(huge + "}")));
        assertTrue(tooMany.getMessage().contains("at most " + TermMap.MAX_TERMS), tooMany.getMessage());
    }

    @Test
    void compactionPicksTheShortestTermWhateverTheOrder() throws Exception {
        TermMap map = TermMap.parse(json("{\"longName\": \"http://e/x\", \"x\": \"http://e/x\", \"y\": \"http://e/x\"}"));
        assertEquals("x", map.compact("http://e/x"));
    }
}
