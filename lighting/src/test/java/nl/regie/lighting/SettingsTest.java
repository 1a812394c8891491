package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    @Test
    void theAnnotationDefaultsAreTheDefaults() {
        assertEquals(Settings.defaults(), Settings.from(Configs.defaults()));
        Settings defaults = Settings.defaults();
        assertEquals(0.3, defaults.dimLevel());
        assertEquals(LocalTime.MIDNIGHT, defaults.dimFrom());
        assertEquals(ZoneId.of("Europe/Amsterdam"), defaults.timeZone());
        assertEquals(50, defaults.zoneMarginMetres());
        assertEquals(Duration.ofMinutes(15), defaults.zoneStale());
        assertEquals(3, defaults.commandRetries());
        assertEquals(Duration.ofSeconds(30), defaults.commandDeadline());
        assertEquals(100, defaults.commandMaxInFlight());
        assertEquals(1.0, defaults.failureWatts());
        assertEquals(2, defaults.failureReports());
    }

    @Test
    void readsEveryKey() {
        Settings settings = Settings.from(Configs.of(Map.ofEntries(
                Map.entry("dim.level", 0.5), Map.entry("dim.from", "22:30"), Map.entry("time.zone", "Europe/Brussels"),
                Map.entry("zone.margin.metres", 20.0), Map.entry("zone.radius.metres", 150.0),
                Map.entry("zone.stale.minutes", 30), Map.entry("mismatch.grace.minutes", 10),
                Map.entry("command.retries", 5), Map.entry("command.backoff.seconds", 2),
                Map.entry("command.deadline.seconds", 60), Map.entry("command.max.in.flight", 20),
                Map.entry("failure.watts", 2.5), Map.entry("failure.reports", 3))));
        assertEquals(new Settings(0.5, LocalTime.of(22, 30), ZoneId.of("Europe/Brussels"), 20, 150,
                Duration.ofMinutes(30), Duration.ofMinutes(10), 5, Duration.ofSeconds(2), Duration.ofSeconds(60), 20, 2.5,
                3), settings);
        assertEquals(new CommandQueue.Limits(20, 5, Duration.ofSeconds(2), Duration.ofSeconds(60)), settings.limits());
        assertTrue(settings.describe().contains("dim.from=22:30"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "dim.from | 25:00 | dim.from = '25:00': expected a local time HH:mm",
            "dim.from | 7pm | dim.from = '7pm': expected a local time HH:mm",
            "dim.from | 22:00:30 | dim.from = '22:00:30'",
            "time.zone | Mars/Olympus | time.zone = 'Mars/Olympus': expected a time zone id such as Europe/Amsterdam"})
    void badTextsAreRefusedNamingKeyValueAndExpectation(String key, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.from(Configs.of(Map.of(key, value))));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void surroundingSpacesAreForgiven() {
        assertEquals(LocalTime.of(17, 0), Settings.from(Configs.of(Map.of("dim.from", " 17:00 "))).dimFrom());
    }
}
