package nl.regie.runtime.ngsild.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The three representations of an entity, compacted against the request's context. */
class RepresentationTest {

    private static final Instant AT = Instant.parse("2026-03-01T10:15:30Z");
    private static final EntityState BIN = new EntityState(EntityId.of("WasteContainer", "bin-1"),
            Location.of(4.89, 52.37), Map.of("fillingLevel", new AttributeState(Value.of(0.8), "%", AT, "bin-1"),
                    "open", new AttributeState(Value.of(true), "", AT, "bin-1")), AT);
    private final Contexts contexts = Contexts.shipped();
    private final LdContext regie = LdContext.fromLink("<http://localhost" + Contexts.REGIE_PATH
            + ">; rel=\"http://www.w3.org/ns/json-ld#context\"", contexts, List.of("http://localhost"));
    private final ObjectMapper mapper = new ObjectMapper();

    private String json(Object value) throws Exception {
        return mapper.writeValueAsString(value);
    }

    @Test
    void normalizedHasTypedAttributesAndAGeoProperty() throws Exception {
        assertEquals("{\"id\":\"urn:ngsi-ld:WasteContainer:bin-1\",\"type\":\"WasteContainer\","
                + "\"location\":{\"type\":\"GeoProperty\",\"value\":{\"type\":\"Point\",\"coordinates\":[4.89,52.37]}},"
                + "\"fillingLevel\":{\"type\":\"Property\",\"value\":0.8,\"unitCode\":\"P1\","
                + "\"observedAt\":\"2026-03-01T10:15:30Z\"},"
                + "\"open\":{\"type\":\"Property\",\"value\":true,\"observedAt\":\"2026-03-01T10:15:30Z\"}}",
                json(Representation.entity(BIN, Format.NORMALIZED, regie, null, null)));
    }

    @Test
    void conciseLeavesTheTypesOut() throws Exception {
        assertEquals("{\"id\":\"urn:ngsi-ld:WasteContainer:bin-1\",\"type\":\"WasteContainer\","
                + "\"location\":{\"type\":\"Point\",\"coordinates\":[4.89,52.37]},"
                + "\"fillingLevel\":{\"value\":0.8,\"unitCode\":\"P1\",\"observedAt\":\"2026-03-01T10:15:30Z\"},"
                + "\"open\":{\"value\":true,\"observedAt\":\"2026-03-01T10:15:30Z\"}}",
                json(Representation.entity(BIN, Format.CONCISE, regie, null, null)));
    }

    @Test
    void keyValuesHasTheValuesAloneAndTheContextWhenAsked() throws Exception {
        assertEquals("{\"id\":\"urn:ngsi-ld:WasteContainer:bin-1\",\"type\":\"WasteContainer\","
                + "\"location\":{\"type\":\"Point\",\"coordinates\":[4.89,52.37]},\"fillingLevel\":0.8,\"open\":true,"
                + "\"@context\":\"ctx\"}", json(Representation.entity(BIN, Format.KEY_VALUES, regie, null, "ctx")));
    }

    @Test
    void onlyTheAttributesAskedFor() throws Exception {
        assertEquals("{\"id\":\"urn:ngsi-ld:WasteContainer:bin-1\",\"type\":\"WasteContainer\",\"fillingLevel\":0.8}",
                json(Representation.entity(BIN, Format.KEY_VALUES, regie, Set.of("fillingLevel"), null)));
    }

    @Test
    void withTheCoreContextAloneSmartDataModelsNamesAreFullIris() throws Exception {
        String body = json(Representation.entity(BIN, Format.KEY_VALUES, LdContext.core(contexts), null, null));
        assertEquals("{\"id\":\"urn:ngsi-ld:WasteContainer:bin-1\",\"type\":\"WasteContainer\","
                + "\"location\":{\"type\":\"Point\",\"coordinates\":[4.89,52.37]},"
                + "\"https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel\":0.8,\"open\":true}", body);
    }

    @Test
    void formatFromOptionsAndFormat() {
        assertEquals(Format.NORMALIZED, Format.of(null, null));
        assertEquals(Format.KEY_VALUES, Format.of("keyValues", null));
        assertEquals(Format.CONCISE, Format.of("sysAttrs,concise", null));
        assertEquals(Format.CONCISE, Format.of("keyValues", "concise"));
        assertThrows(NgsiLdException.class, () -> Format.of("keyValues,concise", null));
        assertThrows(NgsiLdException.class, () -> Format.of("bogus", null));
        assertThrows(NgsiLdException.class, () -> Format.of(null, "xml"));
    }

    @Test
    void unitCodesBothWays() {
        assertEquals("P1", UnitCodes.codeOf("%"));
        assertEquals("%", UnitCodes.unitOf("P1"));
        assertEquals("CEL", UnitCodes.codeOf("Cel"));
        assertEquals("bin", UnitCodes.codeOf("bin"));
        assertEquals("bin", UnitCodes.unitOf("bin"));
        assertEquals(null, UnitCodes.codeOf(""));
        assertEquals("", UnitCodes.unitOf(null));
    }
}
