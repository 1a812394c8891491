package nl.regie.runtime.spi.policy;

import java.util.Objects;

import nl.regie.runtime.spi.bus.TopicFilter;

/**
 * One rule of the policy that lets one party's data reach another: a grant to a local party, or an {@code exports} rule
 * to a remote site. For the public sensor register, which says who receives what and in what form; the policy itself
 * decides through its read and export views, this only describes its rules.
 *
 * @param owner      the party whose data is shared
 * @param recipient  the local party, or the remote site, that receives it
 * @param remoteSite whether {@code recipient} is a remote site (an {@code exports} rule)
 * @param filter     which topics
 * @param personal   whether attributes marked personal are included
 * @param gridMetres the grid locations are coarsened to, 0 for exact locations
 * @param aggregateMetres the zones counts are summed over, 0 for single values
 * @param minSources with {@code aggregateMetres}, the fewest sources a zone's sum is published for
 * @param text       the rule as written in the policy
 */
public record SharingRule(String owner, String recipient, boolean remoteSite, TopicFilter filter, boolean personal,
        int gridMetres, int aggregateMetres, int minSources, String text) {

    /**
     * In what form the recipient gets the data, from the most to the least it reveals. A form reveals at least as much
     * as every form after it ({@link #atLeast}).
     */
    public enum Form {
        /** Each reading as it is. */
        RAW,
        /** Each reading, its location moved to the centre of a grid cell. */
        COARSENED,
        /** Never a single reading: counts summed per zone. */
        AGGREGATED;

        /** Whether this form reveals at least as much as {@code other}. */
        public boolean atLeast(Form other) {
            return ordinal() <= other.ordinal();
        }
    }

    /** Checks that every field is present. */
    public SharingRule {
        Objects.requireNonNull(owner, "owner is required");
        Objects.requireNonNull(recipient, "recipient is required");
        Objects.requireNonNull(filter, "filter is required");
        Objects.requireNonNull(text, "text is required");
    }

    /** The form this rule shares in. */
    public Form form() {
        return aggregateMetres > 0 ? Form.AGGREGATED : gridMetres > 0 ? Form.COARSENED : Form.RAW;
    }
}
