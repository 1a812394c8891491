package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.access.Caller;

import org.junit.jupiter.api.Test;

class PartyViewTest {

    private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
    private static final Location ZONE_CENTRE = Location.of(4.9, 52.37);

    /**
     * Sources named {@code police-...} belong to the police, the rest to the city. The city grants the police
     * counts of CrowdFlowObserved aggregated into one zone, and nothing else; an attribute {@code faces} is personal.
     */
    private static final AccessPolicy POLICY = new AccessPolicy() {
        @Override
        public String partyOfPlugin(String symbolicName) {
            return partyOfSource(symbolicName);
        }

        @Override
        public String partyOfSource(String source) {
            return source.startsWith("police-") ? "police" : "city";
        }

        @Override
        public ReadView readView(String readerParty, String readerName) {
            Map<EntityId, Double> counts = new HashMap<>();
            return reading -> {
                String owner = partyOfSource(reading.source());
                if (owner.equals(readerParty)) {
                    return reading;
                }
                if (readerParty.equals("police") && reading.entityType().equals("CrowdFlowObserved")
                        && reading.attribute().equals("peopleCount")) {
                    counts.put(reading.entity(), ((Value.Number) reading.value()).value());
                    double sum = counts.values().stream().mapToDouble(Double::doubleValue).sum();
                    return new Reading(EntityId.of("CrowdFlowObserved", "zone-1"), "peopleCount", Value.of(sum),
                            "count", reading.observedAt(), reading.receivedAt(), "policy", ZONE_CENTRE);
                }
                return null;
            };
        }
    };

    private static EntityState entity(String type, String id, String source, Map<String, Double> values) {
        Map<String, AttributeState> attributes = new HashMap<>();
        values.forEach((k, v) -> attributes.put(k, new AttributeState(Value.of(v), "", T, source)));
        return new EntityState(EntityId.of(type, id), Location.of(4.91, 52.371), attributes, T);
    }

    private final List<EntityState> city = List.of(
            entity("CrowdFlowObserved", "c1", "crowd-sensor-1", Map.of("peopleCount", 10.0, "faces", 3.0)),
            entity("CrowdFlowObserved", "c2", "crowd-sensor-2", Map.of("peopleCount", 5.0)),
            entity("WasteContainer", "w1", "bin-1", Map.of("fillingLevel", 0.5)),
            entity("CrowdFlowObserved", "p1", "police-cam-1", Map.of("peopleCount", 7.0, "faces", 2.0)),
            entity("Vehicle", "p2", "police-car-2", Map.of("speed", 30.0)));

    @Test
    void theOperatorSeesEverythingAsItIs() {
        assertSame(city, PartyView.of(Caller.LOCAL_OPERATOR, POLICY).entities(city));
    }

    @Test
    void aPartySeesItsOwnAndWhatIsGrantedTransformedAndOnlyTypesItReads() {
        Caller police = new Caller("police-app", "police", Set.of("read:CrowdFlowObserved", "read:WasteContainer"));
        List<EntityState> seen = PartyView.of(police, POLICY).entities(city);
        assertEquals(List.of("urn:ngsi-ld:CrowdFlowObserved:zone-1", "urn:ngsi-ld:CrowdFlowObserved:p1"),
                seen.stream().map(e -> e.id().toString()).toList());
        EntityState zone = seen.get(0);
        assertEquals(15.0, zone.attributes().get("peopleCount").value().asObject());
        assertEquals(Set.of("peopleCount"), zone.attributes().keySet());
        assertEquals(ZONE_CENTRE, zone.location());
        EntityState own = seen.get(1);
        assertEquals(Set.of("peopleCount", "faces"), own.attributes().keySet());
        assertEquals("police-cam-1", own.attributes().get("faces").source());
        assertEquals(city.get(3).location(), own.location());
    }

    @Test
    void anEntityWithNothingVisibleIsNotThere() {
        Caller city = new Caller("bins", "waste", Set.of("read:*"));
        assertTrue(PartyView.of(city, POLICY).entities(this.city).isEmpty());
    }

    @Test
    void alertsNeedReadAlertAndTheRaisingPluginsPartyVisible() {
        Alert cityAlert = new Alert(EntityId.of(Alert.ENTITY_TYPE, "a1"), "weather", "flood", AlertSeverity.values()[0],
                "water", null, null, T, null, T, "nl.dijkwacht.flood");
        Alert policeAlert = new Alert(EntityId.of(Alert.ENTITY_TYPE, "a2"), "security", "crowd",
                AlertSeverity.values()[0], "busy", null, null, T, null, T, "police-crowd");
        PartyView police = PartyView.of(new Caller("p", "police", Set.of("read:Alert")), POLICY);
        assertFalse(police.sees(cityAlert));
        assertTrue(police.sees(policeAlert));
        PartyView noAlerts = PartyView.of(new Caller("p", "police", Set.of("read:CrowdFlowObserved")), POLICY);
        assertFalse(noAlerts.sees(policeAlert));
        assertTrue(PartyView.of(Caller.LOCAL_OPERATOR, POLICY).sees(cityAlert));
    }
}
