package nl.regie.runtime.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.metrics.MetricWriter;

/** A {@link MetricWriter} that keeps what a metric source wrote, for tests of one source. */
public final class RecordingMetrics implements MetricWriter {

    /** One sample: its family, type, labels (name to value, in order) and value. */
    public record Sample(String family, String type, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    @Override
    public Family counter(String name, String help) {
        return family(name, "counter");
    }

    @Override
    public Family gauge(String name, String help) {
        return family(name, "gauge");
    }

    private Family family(String name, String type) {
        String known = types.putIfAbsent(name, type);
        if (known != null && !known.equals(type)) {
            throw new IllegalArgumentException(name + " is a " + known + ", not a " + type);
        }
        return new Family() {
            @Override
            public Family sample(double value, String... labels) {
                if (labels.length % 2 != 0) {
                    throw new IllegalArgumentException("label " + labels[labels.length - 1] + " has no value");
                }
                Map<String, String> map = new LinkedHashMap<>();
                for (int i = 0; i < labels.length; i += 2) {
                    map.put(labels[i], labels[i + 1]);
                }
                samples.add(new Sample(name, type, map, value));
                return this;
            }

            @Override
            public Family sample(long value, String... labels) {
                return sample((double) value, labels);
            }
        };
    }

    /** Every sample, in the order written. */
    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The value of the one sample of a family with these labels (name, value, ...); fails if there is none. */
    public double value(String family, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.family().equals(family) && s.labels().equals(wanted)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + family + wanted + " in " + samples)).value();
    }

    /** The type a family was written with, or null. */
    public String type(String family) {
        return types.get(family);
    }
}
