package nl.regie.lighting;

import static nl.regie.api.actuation.CommandState.COMPLETED;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A whole day of one lamp that behaves like the launcher's simulated streetlight: its photocell switches it on at
 * full when the sun sinks below -3 degrees and off when it rises above, commands last until the next switch, and
 * it reports every 5 minutes. Lighting should need only the profile's changes, without fighting the photocell.
 */
class PhotocellDayTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    private static final Location LAMP = Location.of(4.8925, 52.3731);
    private static final EntityId ID = EntityId.of("Streetlight", "lamp-001");

    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final Streetlights actuation = new Streetlights(kit);
    private boolean dark;
    private boolean on;
    private double level = 1.0;

    @Test
    void aDecemberDayTakesTwoCommands() {
        Map<String, Double> seen = run(Map.of(), "2026-12-03T12:00");
        assertEquals(2, actuation.sent().size(), "sunset to full, 00:00 to dimmed; the photocell does sunrise");
        assertEquals(0.0, seen.get("16:00"));
        assertEquals(1.0, seen.get("16:40"), "sunset at 16:30, before the photocell's dusk at 16:50");
        assertEquals(1.0, seen.get("23:55"));
        assertEquals(0.3, seen.get("00:05"));
        assertEquals(0.3, seen.get("08:00"));
        assertEquals(0.0, seen.get("08:40"));
    }

    @Test
    void aJuneDayDimmedFromBeforeDuskTakesOneCommand() {
        Map<String, Double> seen = run(Map.of("dim.from", "17:00"), "2026-06-21T12:00");
        assertEquals(1, actuation.sent().size());
        assertEquals(0.0, seen.get("22:05"));
        assertEquals(0.3, seen.get("22:15"), "sunset at 22:06: dimmed at once, before the photocell's dusk");
        assertEquals(0.3, seen.get("03:00"), "the photocell's dusk keeps the commanded level");
        assertEquals(0.0, seen.get("05:25"));
    }

    @Test
    void aShortGraceFightsThePhotocellAtDawn() {
        run(Map.of("mismatch.grace.minutes", 10), "2026-12-03T12:00");
        assertEquals(4, actuation.sent().size(), "relit for a few minutes before sunrise, then switched off");
    }

    /** Runs 24 hours from {@code start}; returns the reported level by local time. */
    private Map<String, Double> run(Map<String, Object> config, String start) {
        LightingEngine engine = new LightingEngine(Settings.from(Configs.of(config)), kit.actuation(), kit.alerts(),
                new CityLookup() {
                    @Override
                    public Optional<Location> location(EntityId entity) {
                        return Optional.empty();
                    }

                    @Override
                    public OptionalDouble area(EntityId zone) {
                        return OptionalDouble.empty();
                    }
                }, actuation.scheduler(), kit.clock(), kit.log().logger());
        Instant t = LocalDateTime.parse(start).atZone(ZONE).toInstant();
        dark = elevation(t) < -3;
        on = dark;
        Map<String, Double> seen = new TreeMap<>();
        for (int step = 0; step < 24 * 12; step++, t = t.plus(Duration.ofMinutes(5))) {
            photocell(t);
            double reported = on ? level : 0.0;
            seen.put(t.atZone(ZONE).toLocalTime().toString(), reported);
            engine.onReading(new Reading(ID, "powerState", Value.of(on ? "on" : "off"), "", t, t, "sim", LAMP));
            engine.onReading(new Reading(ID, "illuminanceLevel", Value.of(reported), "/", t, t, "sim", LAMP));
            engine.onReading(new Reading(ID, "powerConsumption", Value.of(on ? 60 * (0.08 + 0.92 * level) : 0), "W", t, t,
                    "sim", LAMP));
            for (Streetlights.Sent sent : actuation.pending()) {
                level = sent.level();
                on = level > 0;
                sent.complete(COMPLETED);
            }
            actuation.runReady();
        }
        return seen;
    }

    private void photocell(Instant t) {
        boolean nowDark = elevation(t) < -3;
        if (nowDark != dark) {
            dark = nowDark;
            on = nowDark;
            if (on && level == 0) {
                level = 1.0;
            }
        }
    }

    /** The sun's elevation in degrees: the simulator's low-precision formulas (the Astronomical Almanac's). */
    private static double elevation(Instant at) {
        double d = at.toEpochMilli() / 86_400_000.0 + 2440587.5 - 2451545.0;
        double g = Math.toRadians(357.529 + 0.98560028 * d);
        double q = 280.459 + 0.98564736 * d;
        double l = Math.toRadians(q + 1.915 * Math.sin(g) + 0.020 * Math.sin(2 * g));
        double e = Math.toRadians(23.439 - 0.00000036 * d);
        double ra = Math.atan2(Math.cos(e) * Math.sin(l), Math.cos(l));
        double dec = Math.asin(Math.sin(e) * Math.sin(l));
        double gmst = 18.697374558 + 24.06570982441908 * d;
        double hourAngle = Math.toRadians(gmst * 15 + LAMP.longitude()) - ra;
        double phi = Math.toRadians(LAMP.latitude());
        return Math.toDegrees(Math.asin(Math.sin(phi) * Math.sin(dec) + Math.cos(phi) * Math.cos(dec) * Math.cos(hourAngle)));
    }
}
