package nl.regie.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;

import org.junit.jupiter.api.Test;

class OperationLogTest {

    private static Outcome outcome(Operation operation, Result result, String from, String to) {
        return new Outcome("nl.regie.waste", operation, result, from, to, "", 1234, 0, Duration.ofMillis(95), List.of(),
                "HTTP", Instant.EPOCH);
    }

    @Test
    void saysWhatHappenedInOneLine() {
        assertEquals("Plugin nl.regie.waste updated 0.1.0 -> 0.2.0 (promoted in 143 ms; 1,234 readings held, gap 95 ms;"
                + " by HTTP)", OperationLog.line(outcome(Operation.UPDATE, Result.PROMOTED, "0.1.0", "0.2.0"), "0.2.0",
                        null, Duration.ofMillis(143)));
        assertEquals("Plugin nl.regie.waste update 0.1.0 -> 0.2.0 rolled back to 0.1.0: component X failed to activate:"
                + " boom (in 1,043 ms; 1,234 readings held, gap 95 ms; by HTTP)",
                OperationLog.line(outcome(Operation.UPDATE, Result.ROLLED_BACK, "0.1.0", "0.1.0"), "0.2.0",
                        "component X failed to activate: boom", Duration.ofMillis(1043)));
        assertEquals("Plugin nl.regie.waste 0.1.0 removed (by HTTP)",
                OperationLog.line(outcome(Operation.REMOVE, Result.REMOVED, "0.1.0", null), null, null, Duration.ZERO));
        assertEquals("Plugin nl.regie.waste 0.1.0 installed (healthy in 12 ms; by HTTP)",
                OperationLog.line(outcome(Operation.INSTALL, Result.INSTALLED, null, "0.1.0"), "0.1.0", null,
                        Duration.ofMillis(12)));
    }
}
