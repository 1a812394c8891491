package nl.regie.runtime.sovereignty.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.policy.ExportRule;
import nl.regie.runtime.spi.policy.FederationRules;
import nl.regie.runtime.spi.policy.ImportRule;

/**
 * Reads the policy's federation rules (see {@link PolicyComponent.Config#exports()} and
 * {@link PolicyComponent.Config#imports()} for the form). Every site a rule names must be in {@code sites}; a problem
 * is a {@link PolicyException} naming the rule, and refuses the whole policy.
 */
final class FederationParser {

    private FederationParser() {
    }

    static Federation parse(long version, Set<String> sites, List<String> exports, List<String> imports)
            throws PolicyException {
        List<Grant> grants = new ArrayList<>();
        List<ExportRule> exportRules = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String element : exports) {
            Grant grant = PolicyParser.grant(PolicyParser.EXPORTS, element, sites);
            String where = "policy exports: '" + element + "'";
            if (!sites.contains(grant.reader())) {
                throw new PolicyException(where + " exports to the site " + grant.reader() + ", which the policy's"
                        + " sites do not list" + listed(sites));
            }
            if (grant.owner().startsWith(grant.reader() + ':')) {
                throw new PolicyException(where + " would send the site " + grant.reader() + " its own readings back;"
                        + " an imported reading never returns to its origin");
            }
            if (!seen.add(grant.owner() + '>' + grant.reader() + ' ' + grant.filter())) {
                throw new PolicyException(where + " repeats the topic filter " + grant.filter() + " for "
                        + grant.owner() + ">" + grant.reader() + "; give each filter once");
            }
            grants.add(grant);
            exportRules.add(new ExportRule(grant.owner(), grant.reader(), grant.filter(), grant.text()));
        }
        List<ImportRule> importRules = new ArrayList<>();
        for (String element : imports) {
            importRules.add(importRule(element, sites));
        }
        return new Federation(new FederationRules(version, sites, exportRules, importRules), grants);
    }

    /** {@code {site}:{party} {topicFilter} [via={site}]}. */
    private static ImportRule importRule(String element, Set<String> sites) throws PolicyException {
        String where = "policy imports: '" + element + "'";
        String[] words = element.split("\\s+");
        if (words.length < 2 || words.length > 3) {
            throw new PolicyException(where + " must be '{site}:{party} {topicFilter} [via={site}]', such as"
                    + " 'roeselare:waterboard WaterObserved/+/waterLevel'");
        }
        int colon = words[0].indexOf(':');
        if (colon < 0) {
            throw new PolicyException(where + " must start with {site}:{party}, the remote party whose readings are"
                    + " accepted (and who owns them here), such as roeselare:waterboard");
        }
        String site = PolicyParser.party(PolicyParser.IMPORTS, "'" + element + "'", words[0].substring(0, colon));
        String party = PolicyParser.party(PolicyParser.IMPORTS, "'" + element + "'", words[0].substring(colon + 1));
        if (!sites.contains(site)) {
            throw new PolicyException(where + " imports from the site " + site + ", which the policy's sites do not"
                    + " list" + listed(sites));
        }
        TopicFilter filter = PolicyParser.filter(PolicyParser.IMPORTS, element, words[1]);
        String via = "";
        if (words.length == 3) {
            if (!words[2].startsWith("via=")) {
                throw new PolicyException(where + ": unknown option '" + words[2] + "'; the only option is via={site}"
                        + " (the site that may relay these readings)");
            }
            via = PolicyParser.party(PolicyParser.IMPORTS, "'" + element + "'", words[2].substring(4));
            if (!sites.contains(via)) {
                throw new PolicyException(where + ": via=" + via + " names a site the policy's sites do not list"
                        + listed(sites));
            }
            if (via.equals(site)) {
                throw new PolicyException(where + ": via=" + via + " is the origin itself; leave via= out");
            }
        }
        return new ImportRule(site, party, filter, via, String.join(" ", words));
    }

    private static String listed(Set<String> sites) {
        return sites.isEmpty() ? " (there are none)" : " (" + String.join(", ", sites) + ")";
    }
}
