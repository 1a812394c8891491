package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.JarSignatures;

import org.junit.jupiter.api.Test;

/** The policy shipped in the repository's config folder applies, and keeps the shipped plugins' data flowing. */
class ShippedPolicyTest {

    private static final Path SHIPPED = Path.of("..", "..", "config", "nl.regie.runtime.policy.cfg");
    private static final Path KEYS = Path.of("..", "..", "config", "keys");
    private static final Location DAM = Location.of(4.8924, 52.3731);

    private final PolicyEngine engine = new PolicyEngine(event -> { });

    @Test
    void appliesAndEveryShippedPluginSeesWhatItReads() throws IOException, PolicyException {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(SHIPPED)) {
            file.load(in);
        }
        Map<String, Object> properties = new HashMap<>();
        file.forEach((key, value) -> properties.put((String) key, value));
        engine.apply(properties);
        // The shipped plugins are signed at build time with the demo keys committed in config/keys.
        engine.signers(Map.of("nl.regie.waste", demoKey("contractor"), "nl.dijkwacht.flood", demoKey("waterboard"),
                "nl.regie.mobility", demoKey("city"), "nl.regie.lighting", demoKey("city")));
        assertEquals("contractor", engine.partyOfPlugin("nl.regie.waste"));
        assertEquals("waterboard", engine.partyOfPlugin("nl.dijkwacht.flood"));
        assertEquals("city", engine.partyOfPlugin("nl.regie.mobility"));
        assertEquals("city", engine.partyOfPlugin("nl.regie.lighting"));

        // Each plugin reads its own party's devices (and lighting reads mobility's crowd levels).
        assertSees("nl.regie.waste", reading("WasteContainer", "bin-001", "fillingLevel", "bin-001"));
        assertSees("nl.dijkwacht.flood", reading("WaterObserved", "gauge-01", "waterLevel", "gauge-01"));
        assertSees("nl.regie.mobility", reading("CrowdFlowObserved", "crowd-001", "peopleCount", "crowd-001"));
        assertSees("nl.regie.lighting", reading("CrowdFlowObserved", "crowd-001", "crowdLevel", "nl.regie.mobility"));
        assertSees("nl.regie.lighting", reading("Streetlight", "lamp-001", "powerState", "lamp-001"));
        // The city oversees the contractor's bins and the water board's points of interest.
        assertSees("nl.regie.lighting", reading("PointOfInterest", "waterlooplein", "name", "nl.dijkwacht.flood"));
        // The police see people counts only summed per 2 km zone, once three counters count in it (never one
        // counter's own figure), and nothing of the bins.
        ReadView police = engine.readView("police", "police-dashboard");
        assertNull(police.apply(reading("CrowdFlowObserved", "crowd-001", "peopleCount", "crowd-001")));
        assertNull(police.apply(reading("CrowdFlowObserved", "crowd-002", "peopleCount", "crowd-002")));
        Reading zone = police.apply(reading("CrowdFlowObserved", "crowd-003", "peopleCount", "crowd-003"));
        assertNotNull(zone, "the third counter in the zone");
        assertTrue(zone.entity().localId().startsWith("zone-2000m_"), zone.toString());
        assertEquals(15.0, zone.number().orElseThrow(), "the three counters' sum");
        assertTrue(zone.source().startsWith("zone-"), "the sum's source is its zone: " + zone.source());
        assertNull(police.apply(reading("WasteContainer", "bin-001", "fillingLevel", "bin-001")));
        assertEquals("contractor", engine.partyOfSource("bin-042"));
        assertEquals("waterboard", engine.partyOfSource("gauge-03"));
        assertEquals("city", engine.partyOfSource("lampgroup-01"));
    }

    /**
     * Residents' contact data (what the notifier plugins keep in their contacts files today, and a contact registry
     * would publish as {@code Resident/{id}/phone} and {@code Resident/{id}/email}) is personal under the shipped
     * policy: a grant or an exports rule that covers it without {@code personal} lets none of it reach another party
     * or another site.
     */
    @Test
    void residentsContactDataIsPersonalAndNeitherSharedNorExportedWithoutPersonal() throws IOException,
            PolicyException {
        Map<String, Object> properties = shipped();
        properties.put("grants", properties.get("grants") + ", city>waterboard Resident/#");
        properties.put("sites", "gent");
        properties.put("exports", "city>gent Resident/#");
        engine.apply(properties);
        List<Reading> contacts = List.of(
                Reading.of(EntityId.of("Resident", "r-1"), "phone", Value.of("+31612345678"), "", "contacts"),
                Reading.of(EntityId.of("Resident", "r-1"), "email", Value.of("jan@example.nl"), "", "contacts"));
        assertEquals("city", engine.partyOfSource("contacts"));
        for (Reading contact : contacts) {
            assertTrue(engine.personalFilters().stream().anyMatch(f -> f.matches(contact.topic())),
                    contact.topic() + " is declared personal");
            assertNull(engine.exportView("gent").apply(contact), "federation refuses " + contact.topic());
            assertNull(engine.readView("waterboard", "nl.dijkwacht.flood").apply(contact),
                    "another party is refused " + contact.topic());
            assertSame(contact, engine.readView("city", "nl.regie.lighting").apply(contact), "its owner keeps it");
        }
        assertTrue(engine.deniedReads().getOrDefault("export:gent", 0L) >= 2, engine.deniedReads().toString());
    }

    private static Map<String, Object> shipped() throws IOException {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(SHIPPED)) {
            file.load(in);
        }
        Map<String, Object> properties = new HashMap<>();
        file.forEach((key, value) -> properties.put((String) key, value));
        return properties;
    }

    /** The fingerprint of a demo key's certificate, read from its keystore. */
    private static String demoKey(String party) throws IOException {
        try (InputStream in = Files.newInputStream(KEYS.resolve(party + ".p12"))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "regie-demo".toCharArray());
            return JarSignatures.fingerprint(store.getCertificate(party));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the demo key of " + party + ": " + e.getMessage(), e);
        }
    }

    private void assertSees(String plugin, Reading reading) {
        ReadView view = engine.readView(engine.partyOfPlugin(plugin), plugin);
        assertSame(reading, view.apply(reading), plugin + " reads " + reading.topic() + " from " + reading.source());
    }

    private static Reading reading(String type, String id, String attribute, String source) {
        return Reading.of(EntityId.of(type, id), attribute, Value.of(5), "count", source).withLocation(DAM);
    }
}
