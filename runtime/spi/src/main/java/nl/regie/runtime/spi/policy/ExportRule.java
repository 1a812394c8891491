package nl.regie.runtime.spi.policy;

import java.util.Objects;

import nl.regie.runtime.spi.bus.TopicFilter;

/**
 * One {@code exports} rule of the policy: readings owned by {@code owner} on topics matching {@code filter} leave this
 * site for the remote {@code site}, through the rule's privacy transforms ({@link AccessPolicy#exportView} applies
 * them; this record says only which rule it is).
 *
 * @param owner  the party whose readings leave: a local party, or an imported one ({@code {site}:{party}}) when the
 *               operator re-exports what another site sent
 * @param site   the remote site they are addressed to (the audience on the wire)
 * @param filter which bus topics
 * @param text   the rule as written in the policy
 */
public record ExportRule(String owner, String site, TopicFilter filter, String text) {

    /** Checks that every field is present. */
    public ExportRule {
        Objects.requireNonNull(owner, "owner is required");
        Objects.requireNonNull(site, "site is required");
        Objects.requireNonNull(filter, "filter is required");
        Objects.requireNonNull(text, "text is required");
    }

    /** Whether this rule covers a reading owned by {@code party} on {@code topic}, for {@code audience}. */
    public boolean covers(String party, String audience, String topic) {
        return owner.equals(party) && site.equals(audience) && filter.matches(topic);
    }

    @Override
    public String toString() {
        return text;
    }
}
