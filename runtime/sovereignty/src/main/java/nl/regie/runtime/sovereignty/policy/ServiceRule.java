package nl.regie.runtime.sovereignty.policy;

import java.util.List;

/**
 * One element of the policy's {@code services} list: the plugins it names may register services of one kind for the
 * values it lists (see {@link nl.regie.runtime.spi.policy.ServiceKinds}).
 *
 * @param plugins the plugins, by symbolic name or glob (see {@link PartyRule}); null when the rule names a party
 * @param party   the party whose plugins it names; null when it names plugins
 * @param kind    drives, notifies or serves
 * @param values  what it grants of that kind
 * @param text    the rule as written in the policy
 */
record ServiceRule(PartyRule plugins, String party, String kind, List<String> values, String text) {

    /** The prefix of a rule's first word that makes it name a party rather than plugins. */
    static final String PARTY_PREFIX = "party:";

    /** Whether the rule names a plugin, given the party it acts for. */
    boolean names(String symbolicName, String pluginParty) {
        return plugins != null ? plugins.matches(symbolicName) : party.equals(pluginParty);
    }

    @Override
    public String toString() {
        return text;
    }
}
