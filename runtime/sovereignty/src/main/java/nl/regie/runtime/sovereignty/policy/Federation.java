package nl.regie.runtime.sovereignty.policy;

import java.util.ArrayList;
import java.util.List;

import nl.regie.runtime.spi.policy.ExportRule;
import nl.regie.runtime.spi.policy.FederationRules;

/**
 * The policy's federation rules: the remote sites, what leaves ({@code exports}) and what is accepted
 * ({@code imports}). An export rule is held as a {@link Grant} from its owner to the remote site, so that an export
 * view applies the same transforms as a grant ({@code personal}, {@code grid=}, {@code aggregate=}), by the same
 * code.
 *
 * @param rules   the rules as the SPI shows them
 * @param exports the export rules as grants, in the same order as {@code rules.exports()}
 */
record Federation(FederationRules rules, List<Grant> exports) {

    static final Federation NONE = new Federation(FederationRules.NONE, List.of());

    Federation {
        exports = List.copyOf(exports);
    }

    /** The same rules for another policy version. */
    Federation withVersion(long version) {
        return new Federation(new FederationRules(version, rules.sites(), rules.exports(), rules.imports()), exports);
    }

    /** The first export rule from {@code owner} to {@code site} whose filter matches the topic, or null. */
    Grant export(String owner, String site, String topic) {
        for (Grant grant : exports) {
            if (grant.owner().equals(owner) && grant.reader().equals(site) && grant.filter().matches(topic)) {
                return grant;
            }
        }
        return null;
    }

    /** The texts of every rule, for the audit log's diff. */
    List<String> texts() {
        List<String> texts = new ArrayList<>();
        rules.sites().stream().sorted().forEach(site -> texts.add("site " + site));
        rules.exports().stream().map(ExportRule::text).forEach(text -> texts.add("export " + text));
        rules.imports().forEach(rule -> texts.add("import " + rule.text()));
        return texts;
    }
}
