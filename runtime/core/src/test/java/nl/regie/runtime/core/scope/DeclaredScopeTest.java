package nl.regie.runtime.core.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.TopicFilter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeclaredScopeTest {

    private static DeclaredScope reads(String... filters) {
        return DeclaredScope.of(List.of(filters), List.of(), List.of());
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "#, WasteContainer/bin-1/fillingLevel, true",
        "#, +/+/+, true",
        "#, #, true",
        "WasteContainer/#, WasteContainer/+/fillingLevel, true",
        "WasteContainer/#, WasteContainer/bin-1/#, true",
        "WasteContainer/#, WasteContainer/#, true",
        "WasteContainer/#, #, false",
        "WasteContainer/#, Streetlight/#, false",
        "WasteContainer/+/fillingLevel, WasteContainer/bin-1/fillingLevel, true",
        "WasteContainer/+/fillingLevel, WasteContainer/+/fillingLevel, true",
        "WasteContainer/+/fillingLevel, WasteContainer/#, false",
        "WasteContainer/+/fillingLevel, WasteContainer/+/+, false",
        "WasteContainer/+/fillingLevel, +/+/fillingLevel, false",
        "WasteContainer/+/fillingLevel, WasteContainer/bin-1/temperature, false",
        "WasteContainer/bin-1/fillingLevel, WasteContainer/+/fillingLevel, false",
        // '#' at the last level spans exactly that level, as '+' does: topics have three levels.
        "WasteContainer/+/#, WasteContainer/+/+, true",
        "WasteContainer/+/+, WasteContainer/#, true",
        "+/+/+, #, true",
        "+/bin-1/+, WasteContainer/#, false",
        "+/bin-1/+, Streetlight/bin-1/power, true",
    })
    void coversAFilterOnlyWhenEveryTopicItMatchesIsDeclared(String declared, String filter, boolean covered) {
        assertEquals(covered, reads(declared).covers(TopicFilter.parse(filter)));
    }

    @Test
    void aFilterIsCoveredWhenOneOfSeveralDeclaredFiltersCoversIt() {
        DeclaredScope scope = reads("Streetlight/+/+", "CrowdFlowObserved/+/crowdLevel");
        assertTrue(scope.covers(TopicFilter.parse("CrowdFlowObserved/zone-1/crowdLevel")));
        assertTrue(scope.covers(TopicFilter.parse("Streetlight/#")));
        assertFalse(scope.covers(TopicFilter.parse("CrowdFlowObserved/+/+")));
    }

    @Test
    void declaringNothingAllowsNothing() {
        DeclaredScope nothing = DeclaredScope.fromCapabilities(List.of());
        assertTrue(nothing.isEmpty());
        assertFalse(nothing.covers(TopicFilter.parse("WasteContainer/bin-1/fillingLevel")));
        assertFalse(nothing.mayPublish(reading("WasteContainer", "bin-1", "full")));
        assertFalse(nothing.mayRead("WasteContainer", "bin-1", "full"));
        assertFalse(nothing.mayActuate("Streetlight"));
        assertFalse(DeclaredScope.NOTHING.mayActuate("Streetlight"));
    }

    @Test
    void publishesOnlyMatchingTopics() {
        DeclaredScope scope = DeclaredScope.of(List.of(), List.of("WasteContainer/+/full", "WasteCollectionRoute/#"),
                List.of());
        assertTrue(scope.mayPublish(reading("WasteContainer", "bin-1", "full")));
        assertTrue(scope.mayPublish(reading("WasteCollectionRoute", "north", "stops")));
        assertFalse(scope.mayPublish(reading("WasteContainer", "bin-1", "fillingLevel")));
        assertFalse(scope.mayPublish(reading("Streetlight", "lamp-1", "full")));
    }

    @Test
    void actuatesDeclaredTypesOrEveryTypeWithAStar() {
        DeclaredScope lamps = DeclaredScope.of(List.of(), List.of(), List.of("Streetlight"));
        assertTrue(lamps.mayActuate("Streetlight"));
        assertFalse(lamps.mayActuate("WasteContainer"));
        assertTrue(DeclaredScope.of(List.of(), List.of(), List.of("*")).mayActuate("WasteContainer"));
    }

    @Test
    void readsTheUnionOfSeveralCapabilitiesInAnyAttributeForm() {
        DeclaredScope scope = DeclaredScope.fromCapabilities(List.of(
                Map.of("reads", List.of("Streetlight/+/+"), "actuates", List.of("Streetlight")),
                Map.of("reads", "WaterObserved/+/waterLevel, Thing/#", "publishes", new String[] {"Thing/+/+", " "})));
        assertTrue(scope.covers(TopicFilter.parse("Streetlight/lamp-1/power")));
        assertTrue(scope.covers(TopicFilter.parse("WaterObserved/+/waterLevel")));
        assertTrue(scope.covers(TopicFilter.parse("Thing/#")));
        assertTrue(scope.mayPublish(reading("Thing", "a", "b")));
        assertTrue(scope.mayActuate("Streetlight"));
        assertFalse(scope.isEmpty());
    }

    @Test
    void aBadDeclarationIsRefusedNamingTheAttributeAndEntry() {
        IllegalArgumentException badFilter = assertThrows(IllegalArgumentException.class,
                () -> DeclaredScope.fromCapabilities(List.of(Map.of("reads", List.of("WasteContainer/#/level")))));
        assertTrue(badFilter.getMessage().startsWith("reads: topic filter 'WasteContainer/#/level'"),
                badFilter.getMessage());
        IllegalArgumentException badType = assertThrows(IllegalArgumentException.class,
                () -> DeclaredScope.of(List.of(), List.of(), List.of("streetlight")));
        assertTrue(badType.getMessage().startsWith("actuates: 'streetlight' is not an entity type"),
                badType.getMessage());
    }

    private static Reading reading(String type, String localId, String attribute) {
        return Reading.of(EntityId.of(type, localId), attribute, Value.of(1), "", "test");
    }

    @Test
    void servicesAreReadFromTheCapabilityAndCheckedByKind() {
        DeclaredScope scope = DeclaredScope.fromCapabilities(List.of(
                Map.of("drives", List.of("FloodGate"), "notifies", "waterboard, city"),
                Map.of("serves", new String[] {"/acme"}, "drives", "Sluice")));
        assertEquals(List.of("FloodGate", "Sluice"), scope.services("drives"));
        assertEquals(List.of("waterboard", "city"), scope.services("notifies"));
        assertTrue(scope.declares("serves", "/acme/state"));
        assertFalse(scope.declares("serves", "/acmex"));
        assertFalse(scope.declares("drives", "Streetlight"));
        assertFalse(scope.isEmpty());
        assertTrue(scope.toString().endsWith("drives [FloodGate, Sluice], notifies [waterboard, city], serves [/acme]"),
                scope.toString());
        assertTrue(DeclaredScope.NOTHING.services("drives").isEmpty());
    }

    @ParameterizedTest(name = "{0} = {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            drives   | Flood Gate | drives: 'Flood Gate' is not an entity type
            notifies | Waterboard | notifies: 'Waterboard' is not a party
            serves   | /acme/*    | serves: '/acme/*' is not a plain path
            serves   | /api       | serves: '/api' is the runtime's own (/api)
            """)
    void aBadServiceDeclarationIsRefusedNamingTheKindAndEntry(String kind, String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeclaredScope.fromCapabilities(List.of(Map.of(kind, List.of(value)))));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
