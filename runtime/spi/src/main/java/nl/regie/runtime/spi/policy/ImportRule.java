package nl.regie.runtime.spi.policy;

import java.util.Objects;

import nl.regie.runtime.spi.bus.TopicFilter;

/**
 * One {@code imports} rule of the policy: readings of the remote {@code party} of {@code site} on topics matching
 * {@code filter} are accepted from the wire, and owned here by {@link #owner()} ({@code {site}:{party}}).
 *
 * @param site   the site the readings come from (their origin)
 * @param party  the party that owns them there
 * @param filter which bus topics are accepted
 * @param via    the site that may relay them (re-export) on the origin's behalf, or "" when only the origin itself
 *               may publish them
 * @param text   the rule as written in the policy
 */
public record ImportRule(String site, String party, TopicFilter filter, String via, String text) {

    /** Checks that every field is present. */
    public ImportRule {
        Objects.requireNonNull(site, "site is required");
        Objects.requireNonNull(party, "party is required");
        Objects.requireNonNull(filter, "filter is required");
        Objects.requireNonNull(via, "via is required (\"\" for none)");
        Objects.requireNonNull(text, "text is required");
    }

    /** The party that owns the imported readings here: {@code {site}:{party}}. */
    public String owner() {
        return site + ':' + party;
    }

    /**
     * Whether this rule accepts a reading of {@code originParty} at {@code originSite}, on {@code topic}, published on
     * the wire by {@code publisher} (the origin itself, or the relay this rule names).
     */
    public boolean accepts(String publisher, String originSite, String originParty, String topic) {
        return site.equals(originSite) && party.equals(originParty)
                && (publisher.equals(originSite) || publisher.equals(via)) && filter.matches(topic);
    }

    @Override
    public String toString() {
        return text;
    }
}
