package nl.regie.runtime.ngsild.write;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.spi.access.HttpSource;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes as readings and deletions on the real bus into the real city state: the source names the token's party,
 * ownership is by party, scopes by type, and what Regie cannot hold is refused whole.
 */
class ProvisionTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration SOON = Duration.ofSeconds(10);
    /** The policy the sovereignty bundle applies to sources, as far as writes need it: devices bin-* are waste-co's. */
    private static final AccessPolicy POLICY = new AccessPolicy() {
        @Override
        public String partyOfPlugin(String symbolicName) {
            return NO_PARTY;
        }

        @Override
        public String partyOfSource(String source) {
            String http = HttpSource.party(source);
            return http != null ? http : source.startsWith("bin-") ? "waste-co" : DEFAULT_PARTY;
        }

        @Override
        public ReadView readView(String readerParty, String readerName) {
            return reading -> reading;
        }
    };

    private final ObjectMapper mapper = new ObjectMapper();
    private final BusEngine bus = new BusEngine(new BusSettings(1_000, Duration.ofSeconds(30), 10),
            new RecordingLogger().logger());
    private final CityStateComponent city = new CityStateComponent(bus, new Owner("nl.regie.runtime.core", "1", 1));
    private final Provision provision = new Provision(city, bus, POLICY, Clock.fixed(NOW, ZoneOffset.UTC));
    private final LdContext core = LdContext.core(Contexts.shipped());
    private final Writer parking = new Writer("parking-app", "parking", false, Set.of("ParkingSpot")::contains,
            e -> true);
    private final Writer waste = new Writer("waste-app", "waste-co", false, Set.of("WasteContainer")::contains,
            e -> true);

    @AfterEach
    void close() {
        city.deactivate();
        bus.close();
    }

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    private EntityState awaitEntity(EntityId id) {
        await().atMost(SOON).until(() -> city.entity(id).isPresent());
        return city.entity(id).orElseThrow();
    }

    @Test
    void aCreatedEntityIsReadingsOwnedByTheTokensParty() throws Exception {
        EntityId id = provision.create(parking, json("{\"id\": \"urn:ngsi-ld:ParkingSpot:p1\", \"type\": \"ParkingSpot\","
                + " \"location\": {\"type\": \"GeoProperty\", \"value\": {\"type\": \"Point\", \"coordinates\": [4.9, 52.37]}},"
                + " \"occupancy\": {\"type\": \"Property\", \"value\": 40, \"unitCode\": \"P1\","
                + " \"observedAt\": \"2026-03-01T09:59:00Z\"}, \"free\": true}"), core);
        EntityState spot = awaitEntity(id);
        await().atMost(SOON).until(() -> city.entity(id).orElseThrow().attributes().size() == 2);
        spot = city.entity(id).orElseThrow();
        assertEquals(Location.of(4.9, 52.37), spot.location());
        assertEquals(Value.of(40), spot.attributes().get("occupancy").value());
        assertEquals("%", spot.attributes().get("occupancy").unit());
        assertEquals(Instant.parse("2026-03-01T09:59:00Z"), spot.attributes().get("occupancy").observedAt());
        assertEquals(NOW, spot.attributes().get("free").observedAt(), "without observedAt: the time of the write");
        assertEquals("parking@http/parking-app", spot.attributes().get("occupancy").source());
        assertEquals("parking", POLICY.partyOfSource(spot.attributes().get("occupancy").source()));

        NgsiLdException again = assertThrows(NgsiLdException.class, () -> provision.create(parking, json(
                "{\"id\": \"urn:ngsi-ld:ParkingSpot:p1\", \"type\": \"ParkingSpot\", \"free\": false}"), core));
        assertEquals(ProblemType.ALREADY_EXISTS, again.type());
    }

    @Test
    void anotherPartysEntityIsNotWrittenNorDeleted() throws Exception {
        EntityId bin = EntityId.of("WasteContainer", "bin-1");
        bus.publish("devices", new Reading(bin, "fillingLevel", Value.of(0.5), "%", NOW, NOW, "bin-1", null));
        awaitEntity(bin);
        Writer wasteByAnotherParty = new Writer("intruder", "parking", false, t -> true, e -> true);
        NgsiLdException refused = assertThrows(NgsiLdException.class, () -> provision.write(wasteByAnotherParty, bin,
                json("{\"fillingLevel\": 0.1}"), core, false, false));
        assertEquals(ProblemType.FORBIDDEN, refused.type());
        assertTrue(refused.getMessage().contains("belongs to party waste-co"), refused.getMessage());
        assertEquals(ProblemType.FORBIDDEN, assertThrows(NgsiLdException.class,
                () -> provision.delete(wasteByAnotherParty, bin)).type());
        assertEquals(ProblemType.FORBIDDEN, assertThrows(NgsiLdException.class,
                () -> provision.deleteAttribute(wasteByAnotherParty, bin, "fillingLevel")).type());

        // The owning party writes it; its device's value and its token's are both its own.
        Provision.Outcome outcome = provision.write(waste, bin, json("{\"fillingLevel\": 0.9, \"lidOpen\": false}"),
                core, false, false);
        assertEquals(List.of("fillingLevel"), outcome.updated());
        assertEquals(Set.of("lidOpen"), outcome.notUpdated().keySet(), "an update touches existing attributes only");
        await().atMost(SOON).until(() -> city.entity(bin).orElseThrow().attributes().get("fillingLevel").value()
                .equals(Value.of(0.9)));
        provision.delete(waste, bin);
        await().atMost(SOON).until(() -> city.entity(bin).isEmpty());
    }

    @Test
    void aTokenWritesOnlyTheTypesOfItsScope() {
        NgsiLdException refused = assertThrows(NgsiLdException.class, () -> provision.create(parking, json(
                "{\"id\": \"urn:ngsi-ld:WasteContainer:x\", \"type\": \"WasteContainer\", \"fillingLevel\": 0.1}"), core));
        assertEquals(ProblemType.FORBIDDEN, refused.type());
        assertTrue(refused.getMessage().contains("publish:WasteContainer"), refused.getMessage());
    }

    @Test
    void anEntityTheWriterDoesNotSeeIsNotThere() throws Exception {
        EntityId bin = EntityId.of("WasteContainer", "bin-2");
        bus.publish("devices", new Reading(bin, "fillingLevel", Value.of(0.5), "%", NOW, NOW, "bin-2", null));
        awaitEntity(bin);
        Writer blind = new Writer("blind", "waste-co", false, t -> true, e -> false);
        assertEquals(ProblemType.RESOURCE_NOT_FOUND, assertThrows(NgsiLdException.class,
                () -> provision.write(blind, bin, json("{\"fillingLevel\": 0.1}"), core, true, false)).type());
    }

    @Test
    void appendWithNoOverwriteKeepsWhatIsThere() throws Exception {
        EntityId id = provision.create(parking, json("{\"id\": \"urn:ngsi-ld:ParkingSpot:p2\", \"type\": \"ParkingSpot\","
                + " \"occupancy\": 1}"), core);
        awaitEntity(id);
        Provision.Outcome outcome = provision.write(parking, id, json("{\"occupancy\": 2, \"capacity\": 8}"), core,
                true, true);
        assertEquals(List.of("capacity"), outcome.updated());
        assertEquals(Set.of("occupancy"), outcome.notUpdated().keySet());
        await().atMost(SOON).until(() -> city.entity(id).orElseThrow().attributes().containsKey("capacity"));
        assertEquals(Value.of(1), city.entity(id).orElseThrow().attributes().get("occupancy").value());
        provision.patchAttribute(parking, id, "occupancy", json("{\"observedAt\": \"2026-03-01T09:00:00Z\"}"));
        await().atMost(SOON).until(() -> city.entity(id).orElseThrow().attributes().get("occupancy").observedAt()
                .equals(Instant.parse("2026-03-01T09:00:00Z")));
        assertEquals(Value.of(1), city.entity(id).orElseThrow().attributes().get("occupancy").value(),
                "a patch without a value keeps the value");
        assertEquals(ProblemType.RESOURCE_NOT_FOUND, assertThrows(NgsiLdException.class,
                () -> provision.patchAttribute(parking, id, "missing", json("{\"value\": 1}"))).type());
    }

    @Test
    void whatRegieCannotHoldIsRefusedWholeAndNothingIsPublished() {
        String[] bodies = {
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:r1\", \"type\": \"ParkingSpot\", \"near\": {\"type\": \"Relationship\","
                    + " \"object\": \"urn:ngsi-ld:Street:s1\"}}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:r2\", \"type\": \"ParkingSpot\", \"a\": 1, \"shape\": {\"type\":"
                    + " \"Property\", \"value\": {\"w\": 1}}}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:r3\", \"type\": \"ParkingSpot\", \"a\": {\"type\": \"Property\","
                    + " \"value\": 1, \"datasetId\": \"urn:x\"}}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:r4\", \"type\": \"ParkingSpot\", \"a\": 1, \"location\": {\"type\":"
                    + " \"GeoProperty\", \"value\": {\"type\": \"Polygon\", \"coordinates\": []}}}",
        };
        for (String body : bodies) {
            NgsiLdException e = assertThrows(NgsiLdException.class, () -> provision.create(parking, json(body), core));
            assertEquals(ProblemType.OPERATION_NOT_SUPPORTED, e.type(), body);
        }
        String[] bad = {
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:b1\", \"type\": \"Streetlight\", \"a\": 1}",
            "{\"id\": \"http://example.org/b2\", \"type\": \"ParkingSpot\", \"a\": 1}",
            "{\"type\": \"ParkingSpot\", \"a\": 1}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:b3\", \"type\": \"ParkingSpot\"}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:b4\", \"type\": \"ParkingSpot\", \"a\": null}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:b5\", \"type\": \"ParkingSpot\", \"a\": {\"type\": \"Property\"}}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:b6\", \"type\": \"ParkingSpot\", \"a\": {\"value\": 1,"
                    + " \"observedAt\": \"yesterday\"}}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:b7\", \"type\": \"ParkingSpot\", \"Bad-Name\": 1}",
            "{\"id\": \"urn:ngsi-ld:ParkingSpot:b8\", \"type\": \"ParkingSpot\", \"a\": 1, \"location\":"
                    + " {\"type\": \"GeoProperty\", \"value\": {\"type\": \"Point\", \"coordinates\": [200, 52]}}}",
        };
        for (String body : bad) {
            NgsiLdException e = assertThrows(NgsiLdException.class, () -> provision.create(parking, json(body), core));
            assertEquals(ProblemType.BAD_REQUEST_DATA, e.type(), body + ": " + e.getMessage());
        }
        assertEquals(0, bus.publishedBy().getOrDefault(Provision.PUBLISHER, 0L));
        assertFalse(city.entity(EntityId.of("ParkingSpot", "r2")).isPresent());
        assertEquals(Optional.empty(), city.entity(EntityId.of("ParkingSpot", "b3")));
    }
}
