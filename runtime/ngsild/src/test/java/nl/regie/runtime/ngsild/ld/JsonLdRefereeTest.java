package nl.regie.runtime.ngsild.ld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.model.Format;
import nl.regie.runtime.ngsild.model.Representation;

import org.junit.jupiter.api.Test;

import com.apicatalog.jsonld.JsonLd;
import com.apicatalog.jsonld.JsonLdError;
import com.apicatalog.jsonld.JsonLdErrorCode;
import com.apicatalog.jsonld.document.Document;
import com.apicatalog.jsonld.document.JsonDocument;
import com.apicatalog.jsonld.http.media.MediaType;
import com.apicatalog.jsonld.loader.DocumentLoader;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

/**
 * The referee: Titanium, a full JSON-LD 1.1 processor, expands Regie's answers (with the shipped contexts, loaded
 * offline) to the same IRIs Regie's small term map says, for Regie's context, the core context alone, and a context
 * given inline.
 */
class JsonLdRefereeTest {

    private static final String ORIGIN = "http://localhost:8080";
    private static final String REGIE = ORIGIN + Contexts.REGIE_PATH;
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
    private static final EntityState BIN = new EntityState(EntityId.of("WasteContainer", "bin-1"),
            Location.of(4.89, 52.37), Map.of("fillingLevel", new AttributeState(Value.of(0.8), "%", AT, "bin-1"),
                    "lidOpen", new AttributeState(Value.of(false), "", AT, "bin-1"),
                    "illuminanceLevel", new AttributeState(Value.of(12), "lx", AT, "bin-1")), AT);
    private final Contexts contexts = Contexts.shipped();
    private final ObjectMapper mapper = new ObjectMapper();

    /** Serves the shipped contexts; any other URL fails, as Regie never fetches one. */
    private final DocumentLoader offline = (url, options) -> {
        String text = url.toString();
        Object document = Contexts.CORE_ALIASES.contains(text) ? contexts.coreDocument()
                : text.equals(REGIE) ? contexts.regieDocument() : null;
        if (document == null) {
            throw new JsonLdError(JsonLdErrorCode.LOADING_REMOTE_CONTEXT_FAILED, "not shipped: " + url);
        }
        try {
            return JsonDocument.of(MediaType.JSON_LD, new ByteArrayInputStream(mapper.writeValueAsBytes(document)));
        } catch (Exception e) {
            throw new JsonLdError(JsonLdErrorCode.LOADING_DOCUMENT_FAILED, e);
        }
    };

    private JsonObject expand(Object json) throws Exception {
        Document document = JsonDocument.of(new ByteArrayInputStream(mapper.writeValueAsBytes(json)));
        JsonArray expanded = JsonLd.expand(document).loader(offline).base(URI.create(ORIGIN + "/")).get();
        assertEquals(1, expanded.size(), expanded.toString());
        return expanded.getJsonObject(0);
    }

    private void refereeAgrees(LdContext context) throws Exception {
        Map<String, Object> answer = Representation.entity(BIN, Format.NORMALIZED, context, null, context.value());
        JsonObject expanded = expand(answer);
        assertEquals("urn:ngsi-ld:WasteContainer:bin-1", expanded.getString("@id"));
        assertEquals(context.terms().expand(context.term("WasteContainer")), expanded.getJsonArray("@type").getString(0));
        Set<String> expected = new TreeSet<>();
        for (String attribute : List.of("fillingLevel", "lidOpen", "illuminanceLevel", "location")) {
            expected.add(context.terms().expand(context.term(attribute)));
        }
        Set<String> keys = new TreeSet<>(expanded.keySet());
        keys.removeAll(Set.of("@id", "@type"));
        assertEquals(expected, keys);
        JsonObject level = expanded.getJsonArray(contexts.regie().expand("fillingLevel")).getJsonObject(0);
        assertEquals("https://uri.etsi.org/ngsi-ld/Property", level.getJsonArray("@type").getString(0));
        assertTrue(level.containsKey("https://uri.etsi.org/ngsi-ld/hasValue"), level.toString());
        assertTrue(level.containsKey("https://uri.etsi.org/ngsi-ld/unitCode"), level.toString());
        assertTrue(level.containsKey("https://uri.etsi.org/ngsi-ld/observedAt"), level.toString());
        JsonObject location = expanded.getJsonArray("https://uri.etsi.org/ngsi-ld/location").getJsonObject(0);
        assertEquals("https://uri.etsi.org/ngsi-ld/GeoProperty", location.getJsonArray("@type").getString(0));
    }

    @Test
    void regiesContextExpandsToTheSmartDataModelsIris() throws Exception {
        LdContext context = LdContext.fromLink("<" + REGIE + ">; rel=\"" + LdContext.REL + "\"", contexts,
                List.of(ORIGIN));
        refereeAgrees(context);
        JsonObject expanded = expand(Representation.entity(BIN, Format.NORMALIZED, context, null, context.value()));
        assertTrue(expanded.containsKey("https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel"));
        assertTrue(expanded.containsKey("https://smartdatamodels.org/dataModel.Streetlighting/illuminanceLevel"));
        assertTrue(expanded.containsKey("https://uri.etsi.org/ngsi-ld/default-context/lidOpen"));
    }

    @Test
    void theCoreContextAloneExpandsToTheSameIris() throws Exception {
        refereeAgrees(LdContext.core(contexts));
        LdContext v16 = LdContext.fromLink("<https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld>; rel=\""
                + LdContext.REL + "\"", contexts, List.of(ORIGIN));
        refereeAgrees(v16);
    }

    @Test
    void anInlineContextExpandsAsRegieReadsIt() throws Exception {
        LdContext inline = LdContext.fromBody(mapper.readTree("[{\"sdm\": \"https://smartdatamodels.org/"
                + "dataModel.WasteManagement/\", \"level\": \"sdm:fillingLevel\", \"open\": \"http://example.org/open\"},"
                + " \"" + Contexts.CORE + "\"]"), contexts, List.of(ORIGIN));
        assertEquals("level", inline.term("fillingLevel"));
        JsonObject expanded = expand(Map.of("@context", inline.value(), "id", "urn:ngsi-ld:WasteContainer:bin-1",
                "type", "WasteContainer", "level", Map.of("type", "Property", "value", 1), "open",
                Map.of("type", "Property", "value", true)));
        assertTrue(expanded.containsKey(inline.terms().expand("level")), expanded.toString());
        assertTrue(expanded.containsKey(inline.terms().expand("open")), expanded.toString());
        assertEquals("fillingLevel", inline.regieName("level"));
    }
}
