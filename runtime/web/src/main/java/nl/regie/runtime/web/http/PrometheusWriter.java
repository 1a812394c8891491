package nl.regie.runtime.web.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import nl.regie.runtime.spi.metrics.LatencyHistogram;
import nl.regie.runtime.spi.metrics.MetricWriter;

/**
 * Builds a page in the Prometheus text exposition format, version 0.0.4. Samples are grouped by family, so a
 * family's {@code # HELP} and {@code # TYPE} lines appear once, before all its samples, however the samples were
 * added; families appear in the order they were first named. Label values and help texts are escaped as the
 * format asks: a backslash, a double quote (label values only) and a line feed.
 */
public final class PrometheusWriter implements MetricWriter {

    /** The content type of the page. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** A metric family's type. */
    public enum Type {
        /** Only goes up (resets when the runtime restarts). */
        COUNTER,
        /** Goes up and down. */
        GAUGE,
        /** Cumulative buckets with {@code le}, a sum and a count. */
        HISTOGRAM;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** One family: its help, type and sample lines. */
    public final class Family implements MetricWriter.Family {
        private final String name;
        private final Type type;
        private final String help;
        private final List<String> samples = new ArrayList<>();

        private Family(String name, Type type, String help) {
            this.name = name;
            this.type = type;
            this.help = help;
        }

        /**
         * Adds a sample.
         *
         * @param value  the value
         * @param labels label names and values, alternating: {@code "plugin", "nl.regie.waste"}
         * @return this family
         * @throws IllegalArgumentException if a label name is not valid, a label repeats, or a name has no value
         */
        @Override
        public Family sample(double value, String... labels) {
            samples.add(name + labels(labels) + " " + number(value));
            return this;
        }

        /** Adds a sample with a whole value, written without a fraction. */
        @Override
        public Family sample(long value, String... labels) {
            samples.add(name + labels(labels) + " " + value);
            return this;
        }
    }

    /**
     * The family of this name, added with this type and help the first time it is named.
     *
     * @throws IllegalArgumentException if the name is not a valid metric name, or the family was named before with
     *                                  another type
     */
    public Family family(String name, Type type, String help) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        Family family = families.computeIfAbsent(name, n -> new Family(n, type, help));
        if (family.type != type) {
            throw new IllegalArgumentException(name + " is a " + family.type.text() + ", not a " + type.text());
        }
        return family;
    }

    /** A counter family. */
    @Override
    public Family counter(String name, String help) {
        return family(name, Type.COUNTER, help);
    }

    /** A gauge family. */
    @Override
    public Family gauge(String name, String help) {
        return family(name, Type.GAUGE, help);
    }

    /**
     * Writes a histogram: a {@code name_bucket} line per bound ({@code le}, cumulative) and {@code +Inf}, then
     * {@code name_sum} and {@code name_count}, all with the given labels.
     */
    @Override
    public void histogram(String name, String help, LatencyHistogram.Snapshot histogram, String... labels) {
        Family family = family(name, Type.HISTOGRAM, help);
        String[] withLe = java.util.Arrays.copyOf(labels, labels.length + 2);
        withLe[labels.length] = "le";
        double[] bounds = histogram.upperBounds();
        long[] cumulative = histogram.cumulative();
        for (int i = 0; i <= bounds.length; i++) {
            withLe[labels.length + 1] = i < bounds.length ? Double.toString(bounds[i]) : "+Inf";
            family.samples.add(name + "_bucket" + labels(withLe) + " " + cumulative[i]);
        }
        family.samples.add(name + "_sum" + labels(labels) + " " + number(histogram.sumSeconds()));
        family.samples.add(name + "_count" + labels(labels) + " " + histogram.count());
    }

    /** The page: every family with its samples, each line ending in a line feed. A family without samples is left out. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Family family : families.values()) {
            if (family.samples.isEmpty()) {
                continue;
            }
            out.append("# HELP ").append(family.name).append(' ').append(escapeHelp(family.help)).append('\n');
            out.append("# TYPE ").append(family.name).append(' ').append(family.type.text()).append('\n');
            family.samples.forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }

    private static String labels(String... labels) {
        if (labels.length == 0) {
            return "";
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("label " + labels[labels.length - 1] + " has no value");
        }
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < labels.length; i += 2) {
            String name = labels[i];
            if (name == null || !LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                throw new IllegalArgumentException("not a label name: " + name);
            }
            for (int j = 0; j < i; j += 2) {
                if (labels[j].equals(name)) {
                    throw new IllegalArgumentException("label " + name + " repeats");
                }
            }
            if (i > 0) {
                out.append(',');
            }
            out.append(name).append("=\"").append(escapeLabelValue(labels[i + 1])).append('"');
        }
        return out.append('}').toString();
    }

    /** A label value escaped: backslash, double quote and line feed; null as the empty string. */
    static String escapeLabelValue(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A help text escaped: backslash and line feed. */
    static String escapeHelp(String help) {
        return help == null ? "" : help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** A value as the format writes it: {@code NaN}, {@code +Inf}, {@code -Inf}, or the number. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
