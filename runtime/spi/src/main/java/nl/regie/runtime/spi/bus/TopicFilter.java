package nl.regie.runtime.spi.bus;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated MQTT-style filter over bus topics {@code {EntityType}/{localId}/{attribute}}.
 *
 * <p>{@code +} matches exactly one level; {@code #}, allowed only as the last level, matches any number of
 * remaining levels including none, so {@code WasteContainer/#} matches {@code WasteContainer/bin-1/fillingLevel}
 * and {@code #} alone matches every topic. Every other level must be a valid entity type, local id or
 * attribute name for its position (the same rules as {@link nl.regie.api.model.EntityId} and
 * {@link nl.regie.api.model.Reading}).
 */
public final class TopicFilter {

    private static final String ONE_LEVEL = "+";
    private static final String ANY_LEVELS = "#";
    private static final int TOPIC_LEVELS = 3;

    private static final Pattern[] LEVEL_PATTERNS = {
        Pattern.compile("[A-Z][A-Za-z0-9]{0,63}"),
        Pattern.compile("[A-Za-z0-9._:-]{1,128}"),
        Pattern.compile("[a-z][A-Za-z0-9_]{0,63}"),
    };
    private static final String[] LEVEL_RULES = {
        "an entity type: an upper-case letter, then letters and digits, at most 64",
        "a local id: 1 to 128 letters, digits, '.', '_', '-' or ':'",
        "an attribute: a lower-case letter, then letters, digits and '_', at most 64",
    };

    private final String text;
    private final String[] levels;
    /** Per level: the name it must equal, or null for '+'; shorter than levels by one when the filter ends in '#'. */
    private final String[] names;
    private final boolean endsWithAnyLevels;

    private TopicFilter(String text, String[] levels) {
        this.text = text;
        this.levels = levels;
        this.endsWithAnyLevels = ANY_LEVELS.equals(levels[levels.length - 1]);
        this.names = new String[endsWithAnyLevels ? levels.length - 1 : levels.length];
        for (int i = 0; i < names.length; i++) {
            // Interned: names in readings are mostly literals or interned too, and then equals is one comparison.
            names[i] = ONE_LEVEL.equals(levels[i]) ? null : levels[i].intern();
        }
    }

    /**
     * Parses and validates a filter.
     *
     * @throws NullPointerException     if the filter is null
     * @throws IllegalArgumentException naming the filter and what is wrong with it
     */
    public static TopicFilter parse(String filter) {
        Objects.requireNonNull(filter, "topic filter must not be null");
        if (filter.isEmpty()) {
            throw new IllegalArgumentException("topic filter '' is empty");
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            checkLevel(filter, levels, i);
        }
        if (levels.length > TOPIC_LEVELS) {
            throw invalid(filter, "has " + levels.length + " levels; topics have " + TOPIC_LEVELS
                    + ": {EntityType}/{localId}/{attribute}");
        }
        if (levels.length < TOPIC_LEVELS && !ANY_LEVELS.equals(levels[levels.length - 1])) {
            throw invalid(filter, "has " + levels.length + " level(s) and does not end with '#', so it can never"
                    + " match a topic {EntityType}/{localId}/{attribute}");
        }
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (!isWildcard(level) && !LEVEL_PATTERNS[i].matcher(level).matches()) {
                throw invalid(filter, "level " + (i + 1) + " '" + level + "' is not " + LEVEL_RULES[i]);
            }
        }
        return new TopicFilter(filter, levels);
    }

    private static void checkLevel(String filter, String[] levels, int i) {
        String level = levels[i];
        if (level.isEmpty()) {
            String where = i == 0 ? " (it starts with '/')" : i == levels.length - 1 ? " (it ends with '/')" : "";
            throw invalid(filter, "has an empty level " + (i + 1) + where);
        }
        boolean hasWildcard = level.contains(ONE_LEVEL) || level.contains(ANY_LEVELS);
        if (hasWildcard && !isWildcard(level)) {
            throw invalid(filter, "level " + (i + 1) + " '" + level
                    + "' mixes a wildcard with other characters; '+' and '#' must stand alone in a level");
        }
        if (ANY_LEVELS.equals(level) && i != levels.length - 1) {
            throw invalid(filter, "has '#' at level " + (i + 1) + "; '#' is allowed only as the last level");
        }
    }

    private static boolean isWildcard(String level) {
        return ONE_LEVEL.equals(level) || ANY_LEVELS.equals(level);
    }

    private static IllegalArgumentException invalid(String filter, String problem) {
        return new IllegalArgumentException("topic filter '" + filter + "' " + problem);
    }

    /** Whether a topic {@code {EntityType}/{localId}/{attribute}} matches this filter. */
    public boolean matches(String topic) {
        return matches(topic.split("/", -1));
    }

    /** Whether a topic given as its levels matches this filter. */
    boolean matches(String... topicLevels) {
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (ANY_LEVELS.equals(level)) {
                return true;
            }
            if (i >= topicLevels.length || !(ONE_LEVEL.equals(level) || level.equals(topicLevels[i]))) {
                return false;
            }
        }
        return levels.length == topicLevels.length;
    }

    /** Whether any of the filters matches a topic given as its three levels. */
    public static boolean anyMatches(List<TopicFilter> filters, String... topicLevels) {
        for (TopicFilter filter : filters) {
            if (filter.matches(topicLevels)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a topic given as its three levels matches this filter. */
    public boolean matches(String entityType, String localId, String attribute) {
        // On every publish through a plugin's view, so no loop and no comparison with the wildcards.
        String[] n = names;
        return (n.length < 1 || n[0] == null || n[0].equals(entityType))
                && (n.length < 2 || n[1] == null || n[1].equals(localId))
                && (n.length < 3 || n[2] == null || n[2].equals(attribute))
                && (n.length == 3 || endsWithAnyLevels);
    }

    /** Whether this filter matches some topic of an entity: any attribute of {@code {entityType}/{localId}}. */
    public boolean matchesEntity(String entityType, String localId) {
        String[] n = names;
        return (n.length < 1 || n[0] == null || n[0].equals(entityType))
                && (n.length < 2 || n[1] == null || n[1].equals(localId));
    }

    /**
     * Whether every topic the other filter can match is matched by this one too. Topics always have three levels,
     * so {@code #} stands for {@code +} at each level it spans; then each level of this filter must be {@code +} or
     * the same name as the other's. (Since names are unbounded, a filter covered by a union of filters is always
     * covered by one of them.)
     */
    public boolean covers(TopicFilter other) {
        for (int i = 0; i < TOPIC_LEVELS; i++) {
            String mine = level(i);
            if (!ONE_LEVEL.equals(mine) && !mine.equals(other.level(i))) {
                return false;
            }
        }
        return true;
    }

    /** Level i of three, {@code +} for a level a trailing {@code #} spans. */
    private String level(int i) {
        if (i >= levels.length - 1 && ANY_LEVELS.equals(levels[levels.length - 1])) {
            return ONE_LEVEL;
        }
        return levels[i];
    }

    /** The filters as written. */
    public static List<String> texts(List<TopicFilter> filters) {
        return filters.stream().map(TopicFilter::toString).toList();
    }

    /** The filter as written. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicFilter that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
