package nl.regie.benchmarks.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the soak counts as lost from a /metrics text: every loss counter, summed over its labels. */
class SoakLossesTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Soak soak;

    /** A soak of a distribution folder that only has to exist: losses() reads a text, it starts nothing. */
    @BeforeEach
    void soak(@TempDir Path regie) throws IOException {
        Files.createDirectories(regie.resolve("bin"));
        Files.writeString(regie.resolve("bin/regie"), "#!/bin/sh\nexit 1\n");
        soak = new Soak(SoakPlan.parse(new String[] {"--regie", regie.toString()}),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Test
    void nothingLostWhenEveryLossCounterIsZero() {
        String metrics = """
                # TYPE regie_bus_subscriber_dropped_total counter
                regie_bus_subscriber_dropped_total{plugin="nl.regie.waste"} 0
                regie_history_dropped_total 0
                # TYPE regie_mqtt_broker_dropped_total counter
                regie_mqtt_broker_dropped_total{reason="queue_full"} 0
                regie_mqtt_broker_dropped_total{reason="qos0_memory"} 0
                regie_mqtt_broker_dropped_total{reason="other"} 0
                regie_bus_published_total{publisher="mqtt"} 123456
                """;
        assertEquals(List.of(), soak.losses(metrics));
    }

    @Test
    void whatTheEmbeddedBrokerDroppedIsALossWhateverTheReason() {
        String metrics = """
                regie_bus_subscriber_dropped_total{plugin="nl.regie.waste"} 0
                regie_mqtt_broker_dropped_total{reason="queue_full"} 0
                regie_mqtt_broker_dropped_total{reason="qos0_memory"} 7
                regie_mqtt_broker_dropped_total{reason="other"} 5
                """;
        List<String> losses = soak.losses(metrics);
        assertEquals(1, losses.size(), losses.toString());
        assertTrue(losses.get(0).startsWith("regie_mqtt_broker_dropped_total is 12"), losses.get(0));
        String report = printed.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("regie_mqtt_broker_dropped_total{reason=\"qos0_memory\"} 7"), "each reason named: " + report);
        assertFalse(report.contains("queue_full"), "only what is above 0: " + report);
    }

    @Test
    void aCounterWhoseNameOnlyBeginsLikeALossCounterIsNotOne() {
        String metrics = """
                regie_history_dropped_total 0
                regie_history_dropped_total_by_series{series="x"} 9
                regie_mqtt_broker_dropped_totals 4
                """;
        assertEquals(List.of(), soak.losses(metrics));
    }

    @Test
    void metricsWithoutAnyLossCounterCannotPass() {
        List<String> losses = soak.losses("regie_bus_published_total 5\n");
        assertEquals(1, losses.size());
        assertTrue(losses.get(0).contains("none of the loss counters"), losses.get(0));
    }
}
