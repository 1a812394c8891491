package nl.regie.benchmarks.history;

/**
 * One row of a query's answer: a group (an attribute or an entity's attribute, and a time bucket) with its
 * count and aggregates. A raw reading is a group of one: its observed time as the bucket, its value as all three.
 */
record Row(String key, long bucket, long count, double avg, double min, double max) {

    /** Whether {@code other} is the same answer, allowing for the order in which a store summed the values. */
    boolean sameAs(Row other) {
        return key.equals(other.key) && bucket == other.bucket && count == other.count && close(avg, other.avg)
                && close(min, other.min) && close(max, other.max);
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    }
}
