package nl.regie.benchmarks.stream.driver;

import java.util.function.LongConsumer;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The bus subscriber of the benchmark's bus rate: a whiteboard listener, as a plugin writes one, that hands each
 * probe reading's sequence number to the benchmark's recorder (a JDK-typed service the benchmark registers).
 */
@Component(service = ReadingListener.class)
@ReadingTopics(ProbeListener.TOPIC_FILTER)
public class ProbeListener implements ReadingListener {

    /** The probe readings. */
    public static final String TOPIC_FILTER = "BusProbe/+/sequence";

    private final LongConsumer recorder;

    /** Binds the benchmark's recorder. */
    @Activate
    public ProbeListener(@Reference(service = LongConsumer.class, target = "(regie.stream.bench=probe-recorder)")
            LongConsumer recorder) {
        this.recorder = recorder;
    }

    @Override
    public void onReading(Reading reading) {
        recorder.accept((long) ((Value.Number) reading.value()).value());
    }
}
