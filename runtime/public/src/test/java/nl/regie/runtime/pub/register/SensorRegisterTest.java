package nl.regie.runtime.pub.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.pub.register.SensorRegister.Recipient;
import nl.regie.runtime.pub.register.SensorRegister.Sensor;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.sovereignty.policy.PolicyException;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditQuery;
import nl.regie.runtime.spi.audit.AuditReader;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.spi.history.History.Retention;
import nl.regie.runtime.spi.policy.SharingRule;
import nl.regie.runtime.spi.policy.SharingRule.Form;
import nl.regie.runtime.testing.RecordingAuditLog;

import org.junit.jupiter.api.Test;

/**
 * The register against the real policy engine: for every party and remote site, every reading the policy's own views
 * let through is listed in the register with that recipient in the same or a more revealing form.
 */
class SensorRegisterTest {

    private static final Path SHIPPED = Path.of("..", "..", "config", "nl.regie.runtime.policy.cfg");
    private static final Instant T = Instant.parse("2030-01-01T10:00:00Z");

    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final PolicyEngine engine = new PolicyEngine(audit);
    private final Map<EntityId, EntityState> entities = new LinkedHashMap<>();
    private final List<DeviceSnapshot> devices = new ArrayList<>();
    private final List<Reading> readings = new ArrayList<>();
    private final Map<String, List<TopicFilter>> pluginReads = new LinkedHashMap<>();
    private Map<String, Purpose> purposes = Purpose.parse(new String[] {
        "WasteContainer|GDPR art. 6(1)(e): public task|no|Empty bins when full, detect fires|Bakken legen als ze vol"
                + " zijn, brand opsporen",
        "WaterObserved|Waterwet|no|Warn of high water|Waarschuwen voor hoog water",
        "CrowdFlowObserved|GDPR art. 6(1)(e)|no|Keep crowds safe|Drukte veilig houden",
        "Resident|GDPR art. 6(1)(a): consent|yes|Help residents who asked for it|Bewoners helpen die erom vroegen"});

    SensorRegisterTest() {
        for (int i = 1; i <= 4; i++) {
            device("bin-00" + i, "WasteContainer", 4.89 + i * 0.01, 52.37, Map.of("fillingLevel", "/", "temperature",
                    "Cel"));
            device("crowd-00" + i, "CrowdFlowObserved", 4.89 + i * 0.004, 52.36, Map.of("peopleCount", "count",
                    "crowdLevel", ""));
        }
        device("gauge-01", "WaterObserved", 4.90, 52.367, Map.of("waterLevel", "m"));
        device("lamp-001", "Streetlight", 4.88, 52.37, Map.of("powerState", ""));
        device("door-1", "Resident", 4.87, 52.37, Map.of("presence", ""));
        // A device that has not reported yet: its attributes are not known.
        devices.add(new DeviceSnapshot("gauge-09", "unknown", null, null, "WaterObserved",
                List.of(EntityId.of("WaterObserved", "gauge-09")), Location.of(4.91, 52.36), 60, null, null));
        pluginReads.put("nl.regie.waste", List.of(TopicFilter.parse("WasteContainer/#")));
        pluginReads.put("nl.dijkwacht.flood", List.of(TopicFilter.parse("WaterObserved/+/waterLevel"),
                TopicFilter.parse("CrowdFlowObserved/+/crowdLevel")));
    }

    private void device(String id, String type, double lon, double lat, Map<String, String> attributes) {
        EntityId entity = EntityId.of(type, id);
        Location where = Location.of(lon, lat);
        Map<String, AttributeState> states = new LinkedHashMap<>();
        attributes.forEach((attribute, unit) -> {
            Value value = unit.isEmpty() ? Value.of("x") : Value.of(3.0);
            states.put(attribute, new AttributeState(value, unit, T, id));
            readings.add(new Reading(entity, attribute, value, unit, T, T, id, where));
        });
        // An attribute a plugin published about the device's entity is not what the device measures.
        states.put("flagged", new AttributeState(Value.of(true), "", T, "nl.regie.waste"));
        entities.put(entity, new EntityState(entity, where, states, T));
        devices.add(new DeviceSnapshot(id, "online", T, T, type, List.of(entity), where, 60, null, null));
    }

    private void applyShipped(String... extra) throws IOException, PolicyException {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(SHIPPED)) {
            file.load(in);
        }
        Map<String, Object> properties = new HashMap<>();
        file.forEach((key, value) -> properties.put((String) key, value));
        for (int i = 0; i < extra.length; i += 2) {
            properties.put(extra[i], extra[i + 1]);
        }
        engine.apply(properties);
    }

    private List<Sensor> register() {
        return SensorRegister.build(new SensorRegister.Inputs(devices, id -> Optional.ofNullable(entities.get(id)),
                engine, pluginReads, purposes, type -> Optional.of(new Retention(Duration.ofDays(7),
                Duration.ofDays(90))), "privacy@example.org"));
    }

    private static Sensor sensor(List<Sensor> register, String device) {
        return register.stream().filter(s -> s.device().equals(device)).findFirst().orElseThrow();
    }

    private static Optional<Recipient> recipient(Sensor sensor, String party, boolean site) {
        return sensor.recipients().stream().filter(r -> r.party().equals(party) && r.remoteSite() == site).findFirst();
    }

    @Test
    void neverClaimsLessSharingThanTheShippedPolicyLetsThrough() throws Exception {
        applyShipped();
        assertNeverLessThanThePolicy();
    }

    @Test
    void neverClaimsLessSharingUnderGrantsExportsPersonalDataAndAggregates() throws Exception {
        applyShipped("grants", "contractor>city WasteContainer/#, contractor>police WasteContainer/+/temperature"
                        + " grid=500, contractor>police WasteContainer/#, city>police CrowdFlowObserved/+/peopleCount"
                        + " aggregate=5000 minSources=2, city>care Resident/# personal, city>press Resident/#,"
                        + " waterboard>city WaterObserved/#",
                "sites", "gent, waterboard-hq",
                "exports", "waterboard>gent WaterObserved/+/waterLevel grid=1000, city>gent CrowdFlowObserved/#"
                        + " aggregate=5000 minSources=2, contractor>waterboard-hq WasteContainer/+/fillingLevel");
        assertNeverLessThanThePolicy();
        List<Sensor> register = register();
        Sensor bin = sensor(register, "bin-001");
        // The first grant from contractor to police that matches decides, per attribute: temperature coarsened,
        // fillingLevel raw; the register names the most revealing.
        assertEquals(Form.RAW, recipient(bin, "police", false).orElseThrow().form());
        assertEquals(Form.RAW, recipient(bin, "waterboard-hq", true).orElseThrow().form());
        Sensor door = sensor(register, "door-1");
        assertTrue(door.personal());
        assertTrue(recipient(door, "care", false).orElseThrow().personal());
        assertTrue(recipient(door, "press", false).isEmpty(), "a grant without 'personal' passes no personal data");
        assertEquals(Form.AGGREGATED, recipient(sensor(register, "crowd-001"), "gent", true).orElseThrow().form());
    }

    /** Feeds every reading through each party's and each site's own view, and checks the register covers it. */
    private void assertNeverLessThanThePolicy() {
        List<Sensor> register = register();
        Set<String> parties = new LinkedHashSet<>(List.of("city", "contractor", "waterboard", "police", "care",
                "press", "nobody"));
        Set<String> sites = new LinkedHashSet<>();
        for (SharingRule rule : engine.sharingRules()) {
            (rule.remoteSite() ? sites : parties).add(rule.recipient());
        }
        int passed = 0;
        for (boolean site : new boolean[] {false, true}) {
            for (String party : site ? sites : parties) {
                ReadView view = site ? engine.exportView(party) : engine.readView(party, "probe");
                // Twice, so that zone sums have their sources by the second round.
                for (int round = 0; round < 2; round++) {
                    for (Reading reading : readings) {
                        Reading seen = view.apply(reading);
                        if (seen == null) {
                            continue;
                        }
                        passed++;
                        Form form = !seen.entity().equals(reading.entity()) ? Form.AGGREGATED
                                : !seen.location().equals(reading.location()) ? Form.COARSENED : Form.RAW;
                        Sensor sensor = sensor(register, reading.source());
                        Optional<Recipient> listed = recipient(sensor, party, site);
                        assertTrue(listed.isPresent(), (site ? "site " : "party ") + party + " receives "
                                + reading.topic() + " but the register does not list it: " + sensor.recipients());
                        assertTrue(listed.get().form().atLeast(form), party + " receives " + reading.topic() + " "
                                + form + " but the register says " + listed.get().form());
                        if (engine.personalFilters().stream().anyMatch(f -> f.matches(reading.topic()))) {
                            assertTrue(listed.get().personal(), party + " receives personal " + reading.topic());
                            assertTrue(sensor.personal());
                        }
                    }
                }
            }
        }
        assertTrue(passed > 0, "the policy let nothing through: the check checked nothing");
    }

    @Test
    void namesPurposesOwnersMeasuresPluginsRetentionAndContact() throws Exception {
        applyShipped();
        engine.signers(Map.of());
        List<Sensor> register = register();
        assertEquals(devices.size(), register.size(), "every device is listed");
        Sensor bin = sensor(register, "bin-002");
        assertEquals("WasteContainer", bin.type());
        assertEquals("contractor", bin.managingParty());
        assertEquals(List.of("fillingLevel", "temperature"), bin.measures().stream().map(SensorRegister.Measure::attribute)
                .toList(), "only what the device reported, not what a plugin published about it");
        assertEquals("Bakken legen als ze vol zijn, brand opsporen", bin.purpose().purposeNl());
        assertFalse(bin.personal());
        Recipient owner = bin.recipients().get(0);
        assertTrue(owner.owner());
        assertEquals("contractor", owner.party());
        assertEquals(Form.RAW, owner.form());
        assertEquals(List.of("contractor>city WasteContainer/#"), recipient(bin, "city", false).orElseThrow().rules());
        assertTrue(recipient(bin, "police", false).isEmpty());
        assertEquals(7, bin.retention().raw().toDays());
        assertEquals("privacy@example.org", bin.contact());
        Sensor crowd = sensor(register, "crowd-001");
        Recipient police = recipient(crowd, "police", false).orElseThrow();
        assertEquals(Form.COARSENED, police.form(), "crowd levels on a 250 m grid; counts only summed");
        assertEquals(List.of("city>police CrowdFlowObserved/+/peopleCount aggregate=2000",
                "city>police CrowdFlowObserved/+/crowdLevel grid=250"), police.rules());
        assertEquals(Form.COARSENED, recipient(crowd, "waterboard", false).orElseThrow().form());
        Sensor lamp = sensor(register, "lamp-001");
        assertNull(lamp.purpose(), "a type with no purpose declared is listed as such, never hidden");
        assertEquals(1, lamp.recipients().size(), "the city's lamps go to no other party");
        Sensor silent = sensor(register, "gauge-09");
        assertTrue(silent.measures().isEmpty());
        assertTrue(recipient(silent, "city", false).isPresent(), "a silent device is judged by its entity: more, never"
                + " less");
    }

    @Test
    void listsThePluginsOfEachRecipientThatReadTheData() throws Exception {
        applyShipped();
        // Unsigned plugins act for no party: they receive nothing, and the register names none of them.
        assertTrue(sensor(register(), "gauge-01").recipients().stream().allMatch(r -> r.plugins().isEmpty()));
        applyShipped("keys", "waterboard sha256:" + "ab".repeat(32) + ", contractor sha256:" + "cd".repeat(32));
        engine.signers(Map.of("nl.dijkwacht.flood", "sha256:" + "ab".repeat(32), "nl.regie.waste",
                "sha256:" + "cd".repeat(32)));
        List<Sensor> register = register();
        assertEquals(List.of("nl.dijkwacht.flood"), sensor(register, "gauge-01").recipients().get(0).plugins());
        assertEquals(List.of("nl.regie.waste"), sensor(register, "bin-001").recipients().get(0).plugins());
        assertEquals(List.of("nl.dijkwacht.flood"), recipient(sensor(register, "crowd-001"), "waterboard", false)
                .orElseThrow().plugins(), "flood reads the city's crowd levels under the grant, coarsened");
    }

    @Test
    void changesWhenThePolicyChanges() throws Exception {
        applyShipped();
        assertTrue(recipient(sensor(register(), "bin-001"), "police", false).isEmpty());
        applyShipped("grants", "contractor>police WasteContainer/+/fillingLevel grid=500");
        Recipient police = recipient(sensor(register(), "bin-001"), "police", false).orElseThrow();
        assertEquals(Form.COARSENED, police.form());
        assertTrue(recipient(sensor(register(), "bin-001"), "city", false).isEmpty(), "the city's grant went");
        applyShipped("devices", "bin-*=city");
        assertEquals("city", sensor(register(), "bin-001").managingParty());
    }

    @Test
    void recordsWhatWasSharedPerRecipientInTheAuditLog() throws Exception {
        applyShipped();
        ReadView city = engine.readView("city", "nl.regie.lighting");
        int shared = 0;
        for (Reading reading : readings) {
            if (city.apply(reading) != null && !engine.partyOfSource(reading.source()).equals("city")) {
                shared++;
            }
        }
        assertEquals(0, audit.ofKind(AuditEvent.SHARE).size(), "nothing is recorded per reading");
        engine.recordSharing(T.plus(Duration.ofHours(1)));
        List<AuditEvent> events = audit.ofKind(AuditEvent.SHARE);
        assertFalse(events.isEmpty());
        SharedLastDays.Summary summary = new SharedLastDays.Summary(SharedLastDays.summarise(events), false);
        long counted = summary.shared().stream().filter(s -> s.recipient().equals("city")).mapToLong(
                SharedLastDays.Shared::readings).sum();
        assertEquals(shared, counted);
        assertTrue(summary.shared().stream().anyMatch(s -> s.owner().equals("contractor")
                && s.type().equals("WasteContainer") && s.form().equals("raw") && s.readings() == 8));
        engine.recordSharing(T.plus(Duration.ofHours(2)));
        assertEquals(events.size(), audit.ofKind(AuditEvent.SHARE).size(), "an hour with nothing shared records nothing");
    }

    @Test
    void theCurrentHoursRunningCountsShowAtOnceAndAreNeverCountedTwice() throws Exception {
        applyShipped();
        AuditReader reader = new AuditReader() {
            @Override
            public List<AuditEvent> read(AuditQuery query) {
                return audit.events().stream().filter(query::matches).toList();
            }

            @Override
            public long lost() {
                return 0;
            }
        };
        long shared = shareWithTheCity();
        assertTrue(shared > 0);
        assertEquals(0, audit.ofKind(AuditEvent.SHARE).size(), "the hour is not over: nothing is in the audit log yet");
        assertEquals(shared, sharedWithTheCity(SharedLastDays.read(reader, engine.sharingNotYetAudited(),
                T.plusSeconds(60))), "a share made a minute ago shows");
        engine.recordSharing(T.plus(Duration.ofHours(1)));
        assertEquals(shared, sharedWithTheCity(SharedLastDays.read(reader, engine.sharingNotYetAudited(),
                T.plus(Duration.ofMinutes(61)))), "once recorded, counted from the audit log alone, not twice");
        long more = shareWithTheCity();
        List<AuditEvent> running = engine.sharingNotYetAudited();
        engine.recordSharing(T.plus(Duration.ofHours(2))); // the hourly record lands between the two reads
        assertEquals(shared + more, sharedWithTheCity(SharedLastDays.read(reader, running,
                T.plus(Duration.ofMinutes(121)))), "a record made after the running counts were read is left out");
        assertEquals(shared + more, sharedWithTheCity(SharedLastDays.read(reader, engine.sharingNotYetAudited(),
                T.plus(Duration.ofMinutes(122)))));
    }

    /** Runs every reading through the city's view; how many of another party's it let through. */
    private long shareWithTheCity() {
        ReadView city = engine.readView("city", "nl.regie.lighting");
        long shared = 0;
        for (Reading reading : readings) {
            if (city.apply(reading) != null && !engine.partyOfSource(reading.source()).equals("city")) {
                shared++;
            }
        }
        return shared;
    }

    private static long sharedWithTheCity(SharedLastDays.Summary summary) {
        return summary.shared().stream().filter(s -> s.recipient().equals("city"))
                .mapToLong(SharedLastDays.Shared::readings).sum();
    }

    @Test
    void aSummaryIgnoresEventsNotInTheShareFormat() {
        List<AuditEvent> events = List.of(
                new AuditEvent(T, AuditEvent.SHARE, "city", "city", "receive", "contractor>city WasteContainer", "raw",
                        "5 readings since x"),
                new AuditEvent(T, AuditEvent.SHARE, "city", "city", "receive", "contractor>city WasteContainer", "raw",
                        "7 readings since y"),
                new AuditEvent(T, AuditEvent.SHARE, "city", "city", "receive", "garbage", "raw", "5 readings"),
                new AuditEvent(T, AuditEvent.SHARE, "city", "city", "receive", "a>b T", "raw", "many readings"),
                new AuditEvent(T, AuditEvent.READ, "city", "city", "read", "a>b T", "denied", "5 x"));
        List<SharedLastDays.Shared> shared = SharedLastDays.summarise(events);
        assertEquals(List.of(new SharedLastDays.Shared("city", "contractor", "WasteContainer", "raw", 12)), shared);
    }

    @Test
    void aPurposeEntryIsCheckedAndItsErrorNamesTheProblem() {
        assertEquals("must have 5 fields", firstWords(assertThrows(IllegalArgumentException.class,
                () -> Purpose.parse(new String[] {"WasteContainer|basis|no|purpose"})).getMessage(), "must have 5 fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Purpose.parse(new String[] {
            "wasteContainer|b|no|p|d"})).getMessage().contains("must start with an entity type"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Purpose.parse(new String[] {
            "WasteContainer|b|maybe|p|d"})).getMessage().contains("'yes' or 'no'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Purpose.parse(new String[] {
            "WasteContainer|b|no| |d"})).getMessage().contains("purpose is empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Purpose.parse(new String[] {
            "WasteContainer|b|no|p|d", "WasteContainer|b|no|p|d"})).getMessage().contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Purpose.parse(new String[] {
            "WasteContainer|b|no|" + "p".repeat(501) + "|d"})).getMessage().contains("longer than 500"));
        assertNotNull(Purpose.parse(null));
    }

    private static String firstWords(String message, String expected) {
        return message.contains(expected) ? expected : message;
    }
}
