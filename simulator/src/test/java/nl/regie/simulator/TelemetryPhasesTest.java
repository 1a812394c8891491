package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** When in a period each simulated device reports: every type spread over the whole period. */
class TelemetryPhasesTest {

    private static final long PERIOD = 20_000_000_000L;

    @Test
    void theDevicesOfEachTypeSpreadOverTheWholePeriodNotJustTheirShareOfTheList() {
        List<String> types = new ArrayList<>();
        types.addAll(Collections.nCopies(3800, "WasteContainer"));
        types.addAll(Collections.nCopies(3400, "Streetlight"));
        types.addAll(Collections.nCopies(800, "CrowdFlowObserved"));
        long[] phases = Telemetry.phases(types, PERIOD);
        assertEquals(types.size(), phases.length);
        for (String type : List.of("WasteContainer", "Streetlight", "CrowdFlowObserved")) {
            long[] own = phasesOf(type, types, phases);
            long slot = PERIOD / own.length;
            // In every tenth of the period, a tenth of the type's devices (one slot either way).
            for (int tenth = 0; tenth < 10; tenth++) {
                long from = PERIOD * tenth / 10;
                long to = PERIOD * (tenth + 1) / 10;
                long in = Arrays.stream(own).filter(p -> p >= from && p < to).count();
                assertTrue(Math.abs(in - own.length / 10.0) <= 1, type + ": " + in + " of " + own.length + " in tenth " + tenth);
            }
            assertTrue(Arrays.stream(own).allMatch(p -> p >= 0 && p < PERIOD), type + ": a phase outside the period");
            assertTrue(own[own.length - 1] - own[0] >= PERIOD - 2 * slot, type + ": not spread to the period's end");
        }
    }

    @Test
    void typesDoNotReportAtTheSameInstant() {
        long[] phases = Telemetry.phases(List.of("A", "A", "B", "B"), PERIOD);
        assertEquals(List.of(0L, PERIOD / 2, PERIOD / 4, PERIOD / 2 + PERIOD / 4),
                Arrays.stream(phases).boxed().toList());
    }

    @Test
    void oneDeviceReportsAtTheStartAndNoDevicesGiveNoPhases() {
        assertEquals(List.of(0L), Arrays.stream(Telemetry.phases(List.of("A"), PERIOD)).boxed().toList());
        assertEquals(0, Telemetry.phases(List.of(), PERIOD).length);
    }

    private static long[] phasesOf(String type, List<String> types, long[] phases) {
        List<Long> own = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i).equals(type)) {
                own.add(phases[i]);
            }
        }
        return own.stream().mapToLong(Long::longValue).toArray();
    }
}
