package nl.regie.runtime.sovereignty.policy;

import nl.regie.runtime.spi.bus.TopicFilter;

/**
 * One grant of the policy: the {@code owner} party lets the {@code reader} party read the topics matching
 * {@code filter}, through the privacy transforms its options ask for.
 *
 * @param owner     the party whose data is shared
 * @param reader    the party that may read it
 * @param filter    which topics
 * @param personal  whether attributes marked personal are included (without it they are withheld)
 * @param grid      the size in metres of the grid cells locations are coarsened to, 0 for exact locations
 * @param aggregate the size in metres of the zones counts are summed over, 0 for no aggregation
 * @param minSources with {@code aggregate}, the fewest distinct sources a zone's sum is published for
 * @param text      the grant as written in the policy
 */
record Grant(String owner, String reader, TopicFilter filter, boolean personal, int grid, int aggregate,
        int minSources, String text) {

    /** Default {@link #minSources()}: a sum of fewer would let a reader work out what one or two sources said. */
    static final int DEFAULT_MIN_SOURCES = 3;

    /** Whether readings pass with their own values (possibly coarsened), rather than summed per zone. */
    boolean aggregates() {
        return aggregate > 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
