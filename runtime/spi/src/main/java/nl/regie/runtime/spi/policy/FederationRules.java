package nl.regie.runtime.spi.policy;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the policy in force says about sharing with other sites over the wire: the remote sites it knows, what leaves
 * and what is accepted. Nothing leaves without an export rule; nothing is accepted without an import rule.
 *
 * @param version the policy version these rules belong to (a new policy is a new version)
 * @param sites   the remote sites the policy names ({@code sites}); every rule names one of them
 * @param exports the {@code exports} rules, in the order written (the first that covers a reading decides)
 * @param imports the {@code imports} rules, in the order written
 */
public record FederationRules(long version, Set<String> sites, List<ExportRule> exports, List<ImportRule> imports) {

    /** No sharing at all: what a policy without federation rules says. */
    public static final FederationRules NONE = new FederationRules(0, Set.of(), List.of(), List.of());

    /** Copies the collections. */
    public FederationRules {
        sites = Set.copyOf(Objects.requireNonNull(sites, "sites"));
        exports = List.copyOf(Objects.requireNonNull(exports, "exports"));
        imports = List.copyOf(Objects.requireNonNull(imports, "imports"));
    }

    /** The first export rule that covers a reading owned by {@code party} on {@code topic} for {@code site}, or null. */
    public ExportRule export(String party, String site, String topic) {
        for (ExportRule rule : exports) {
            if (rule.covers(party, site, topic)) {
                return rule;
            }
        }
        return null;
    }

    /** The first import rule that accepts the reading (see {@link ImportRule#accepts}), or null. */
    public ImportRule importRule(String publisher, String originSite, String originParty, String topic) {
        for (ImportRule rule : imports) {
            if (rule.accepts(publisher, originSite, originParty, topic)) {
                return rule;
            }
        }
        return null;
    }
}
