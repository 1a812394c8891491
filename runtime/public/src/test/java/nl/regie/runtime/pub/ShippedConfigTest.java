package nl.regie.runtime.pub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.runtime.pub.cap.CapFeed;
import nl.regie.runtime.pub.register.Purpose;

import org.junit.jupiter.api.Test;

/** The shipped config file declares a purpose for every simulated device type and marks flood alerts public. */
class ShippedConfigTest {

    private static final Path SHIPPED = Path.of("..", "..", "config", PublicSettings.PID + ".cfg");

    @Test
    void everySimulatedTypeHasAPurposeAndFloodAlertsArePublic() throws IOException {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(SHIPPED)) {
            file.load(in);
        }
        Map<String, Purpose> purposes = Purpose.parse(file.getProperty("purposes").split(","));
        assertEquals(Set.of("WasteContainer", "Streetlight", "CrowdFlowObserved", "TrafficFlowObserved",
                "WaterObserved"), purposes.keySet());
        CapFeed feed = new CapFeed(file.getProperty("sender"), "demo",
                Set.of(file.getProperty("alertCategories").split(",")),
                Duration.ofHours(Integer.parseInt(file.getProperty("endedAlertsKeptHours"))), a -> Optional.empty(),
                a -> "", w -> { }, Clock.systemUTC());
        // The flood plugin's alerts: category naturalDisaster, sub-category flood.
        assertTrue(feed.isPublic(new Alert(EntityId.of("Alert", "flood-gauge-01"), "naturalDisaster", "flood",
                AlertSeverity.HIGH, "Water", null, null, Instant.EPOCH, null, Instant.EPOCH,
                "nl.dijkwacht.flood")));
    }
}
