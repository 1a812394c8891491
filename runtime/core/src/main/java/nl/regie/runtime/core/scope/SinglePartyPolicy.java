package nl.regie.runtime.core.scope;

import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

/**
 * The data-sharing policy of a runtime without the sovereignty bundle: every plugin and device acts for the
 * {@value AccessPolicy#DEFAULT_PARTY} party, so every reader sees every reading unchanged (declared scopes still
 * apply). That is what the sovereignty bundle's policy also says until the operator configures parties. The core
 * offers it through {@link StandInPolicy}, only while no sovereignty bundle is installed.
 */
public final class SinglePartyPolicy implements AccessPolicy {

    private static final ReadView EVERYTHING = reading -> reading;

    @Override
    public String partyOfPlugin(String symbolicName) {
        return DEFAULT_PARTY;
    }

    @Override
    public String partyOfSource(String source) {
        return DEFAULT_PARTY;
    }

    @Override
    public ReadView readView(String readerParty, String readerName) {
        return EVERYTHING;
    }
}
