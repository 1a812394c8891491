package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.testing.RecordingMetrics;

import org.junit.jupiter.api.Test;

class BrokerMetricsTest {

    @Test
    void writesTheBrokersDropsByReasonAsACounterReadAtEachCollect() {
        AtomicLong queueFull = new AtomicLong(3);
        BrokerMetrics metrics = new BrokerMetrics(() -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("queue_full", queueFull.get());
            counts.put("qos0_memory", 0L);
            counts.put("other", 1L);
            return counts;
        });
        RecordingMetrics first = new RecordingMetrics();
        metrics.collect(first);
        assertEquals("counter", first.type("regie_mqtt_broker_dropped_total"));
        assertEquals(3, first.value("regie_mqtt_broker_dropped_total", "reason", "queue_full"));
        assertEquals(0, first.value("regie_mqtt_broker_dropped_total", "reason", "qos0_memory"));
        assertEquals(1, first.value("regie_mqtt_broker_dropped_total", "reason", "other"));
        assertEquals(3, first.samples().size());

        queueFull.set(20_480);
        RecordingMetrics second = new RecordingMetrics();
        metrics.collect(second);
        assertEquals(20_480, second.value("regie_mqtt_broker_dropped_total", "reason", "queue_full"));
    }

    @Test
    void moreReasonsThanTheLabelBoundAreSummedUnderOther() {
        Map<String, Long> counts = new LinkedHashMap<>();
        IntStream.range(0, 250).forEach(i -> counts.put("reason_" + i, 1L));
        RecordingMetrics out = new RecordingMetrics();
        new BrokerMetrics(() -> counts).collect(out);
        assertEquals(MetricWriter.MAX_LABEL_VALUES, out.samples().size(), "bounded: " + out.samples().size());
        assertEquals(250, out.samples().stream().mapToDouble(RecordingMetrics.Sample::value).sum(), "nothing lost");
    }

    @Test
    void noDropsWriteTheFamilyWithNoSamples() {
        RecordingMetrics out = new RecordingMetrics();
        new BrokerMetrics(Map::of).collect(out);
        assertEquals(0, out.samples().size());
    }
}
