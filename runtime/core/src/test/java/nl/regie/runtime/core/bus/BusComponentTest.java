package nl.regie.runtime.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

class BusComponentTest {

    @Test
    void takesConfiguredValues() {
        RecordingLogger log = new RecordingLogger();
        assertEquals(new BusSettings(50, Duration.ofMillis(250), 3), BusComponent.settings(50, 250, 3, log.logger()));
        assertEquals(List.of(), log.entries());
    }

    @Test
    void replacesAnInvalidValueByItsDefaultAndSaysSo() {
        RecordingLogger log = new RecordingLogger();

        BusSettings settings = BusComponent.settings(0, -5, 0, log.logger());

        assertEquals(BusSettings.defaults(), settings);
        assertEquals(List.of(
                "Configuration nl.regie.runtime.bus: queueCapacity 0 must be at least 1; using 10000",
                "Configuration nl.regie.runtime.bus: deliveryTimeoutMillis -5 must be at least 1; using 5000",
                "Configuration nl.regie.runtime.bus: failuresBeforeQuarantine 0 must be at least 1; using 10"),
                log.messages("error"));
    }
}
