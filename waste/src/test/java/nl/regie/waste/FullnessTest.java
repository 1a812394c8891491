package nl.regie.waste;

import static nl.regie.waste.Fakes.T0;
import static nl.regie.waste.Fakes.config;
import static nl.regie.waste.Fakes.kind;
import static nl.regie.waste.Fakes.level;
import static nl.regie.waste.Fakes.on;
import static nl.regie.waste.Fakes.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Full bins: thresholds per kind, hysteresis, publishing on change and first sight. */
class FullnessTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(WastePlugin.PID);

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private int needChanges;

    private BinMonitor monitor(Map<String, Object> config) {
        return new BinMonitor(kit.bus(), kit.alerts(), Settings.from(config(config)),
                kit.log().logger(), () -> 0, () -> needChanges++);
    }

    private List<Object> feed(BinMonitor monitor, String bin, double... levels) {
        for (int i = 0; i < levels.length; i++) {
            monitor.onReading(level(bin, levels[i], T0.plusSeconds(300L * i)));
        }
        return values(kit, "WasteContainer/" + bin + "/full");
    }

    @Test
    void thresholdDecidesAndFirstSightIsPublished() {
        BinMonitor monitor = monitor(Map.of());
        assertEquals(List.of(false, true), feed(monitor, "bin-1", 0.3, 0.5, 0.79, 0.8, 0.9));
        Reading first = on(kit, "WasteContainer/bin-1/full").get(0);
        assertEquals(Location.of(4.89, 52.37), first.location());
        assertEquals(T0, first.observedAt());
        assertEquals("", first.unit());
    }

    @Test
    void hoveringAtTheThresholdDoesNotFlap() {
        BinMonitor monitor = monitor(Map.of());
        assertEquals(List.of(false, true, false),
                feed(monitor, "bin-1", 0.79, 0.80, 0.79, 0.81, 0.76, 0.80, 0.751, 0.7499, 0.78));
    }

    @Test
    void hysteresisIsConfigurable() {
        BinMonitor monitor = monitor(Map.of("full.hysteresis", 0.0));
        assertEquals(List.of(true, false, true), feed(monitor, "bin-1", 0.80, 0.79, 0.80));
    }

    @Test
    void thresholdsPerKind() {
        BinMonitor monitor = monitor(Map.of("full.threshold.by.kind", new String[] {"glass=0.9", "Organic=0.7"}));
        monitor.onReading(kind("glass-1", "glass", T0));
        monitor.onReading(kind("organic-1", " ORGANIC ", T0));
        monitor.onReading(kind("paper-1", "paper", T0));
        for (String bin : List.of("glass-1", "organic-1", "paper-1", "unknown-1")) {
            monitor.onReading(level(bin, 0.85, T0.plusSeconds(60)));
        }
        assertEquals(List.of(false), values(kit, "WasteContainer/glass-1/full"));
        assertEquals(List.of(true), values(kit, "WasteContainer/organic-1/full"));
        assertEquals(List.of(true), values(kit, "WasteContainer/paper-1/full"), "no threshold of its own: default");
        assertEquals(List.of(true), values(kit, "WasteContainer/unknown-1/full"), "no kind: default");
        // The organic bin keeps its own hysteresis band: 0.7 - 0.05.
        monitor.onReading(level("organic-1", 0.66, T0.plusSeconds(120)));
        monitor.onReading(level("organic-1", 0.64, T0.plusSeconds(180)));
        assertEquals(List.of(true, false), values(kit, "WasteContainer/organic-1/full"));
    }

    @Test
    void aKindArrivingLaterReevaluatesTheBin() {
        BinMonitor monitor = monitor(Map.of("full.threshold.by.kind", new String[] {"glass=0.9"}));
        monitor.onReading(level("bin-1", 0.83, T0));
        monitor.onReading(kind("bin-1", "glass", T0.plusSeconds(1))); // 0.83 < 0.9 - 0.05
        assertEquals(List.of(true, false), values(kit, "WasteContainer/bin-1/full"));
        assertEquals(T0.plusSeconds(1), on(kit, "WasteContainer/bin-1/full").get(1).observedAt());
    }

    @Test
    void newSettingsReevaluateEveryBinAtEventTime() {
        BinMonitor monitor = monitor(Map.of());
        monitor.onReading(level("bin-1", 0.75, T0));
        monitor.onReading(level("bin-2", 0.85, T0.plusSeconds(10)));
        monitor.apply(Settings.from(config(Map.of("full.threshold", 0.7))));
        assertEquals(List.of(false, true), values(kit, "WasteContainer/bin-1/full"));
        assertEquals(List.of(true), values(kit, "WasteContainer/bin-2/full"));
        assertEquals(T0.plusSeconds(10), on(kit, "WasteContainer/bin-1/full").get(1).observedAt());
    }

    @Test
    void needChangesOnlyWhenTheSetOfFullBinsChanges() {
        BinMonitor monitor = monitor(Map.of());
        feed(monitor, "bin-1", 0.3, 0.4);
        assertEquals(0, needChanges, "an empty bin seen first changes nothing");
        feed(monitor, "bin-2", 0.9, 0.95);
        assertEquals(1, needChanges);
        monitor.onReading(level("bin-2", 0.1, T0.plusSeconds(3600)));
        assertEquals(2, needChanges);
        assertTrue(monitor.needingEmptying().isEmpty());
    }

    @Test
    void badInputIsIgnoredWithAWarningNamingIt() {
        BinMonitor monitor = monitor(Map.of());
        monitor.onReading(level("bin-1", 57, T0));
        monitor.onReading(level("bin-1", -0.2, T0));
        monitor.onReading(Fakes.reading("bin-1", "fillingLevel", Value.of("high"), T0, null));
        monitor.onReading(Fakes.reading("bin-1", "storedWasteKind", Value.of(3), T0, null));
        assertTrue(on(kit, "#").isEmpty());
        assertEquals(List.of(
                "Ignored WasteContainer/bin-1/fillingLevel: expected a number from 0.0 to 1.5, got 57.0",
                "Ignored WasteContainer/bin-1/fillingLevel: expected a number from 0.0 to 1.5, got -0.2",
                "Ignored WasteContainer/bin-1/fillingLevel: expected a number from 0.0 to 1.5, got high",
                "Ignored WasteContainer/bin-1/storedWasteKind: expected a text, got 3.0"), kit.log().messages("warn"));
    }

    @Test
    void anOlderReadingDoesNotOverrideANewerOne() {
        BinMonitor monitor = monitor(Map.of());
        monitor.onReading(level("bin-1", 0.9, T0.plusSeconds(600)));
        monitor.onReading(level("bin-1", 0.1, T0));
        assertEquals(List.of(true), values(kit, "WasteContainer/bin-1/full"));
        assertFalse(monitor.needingEmptying().isEmpty());
    }
}
