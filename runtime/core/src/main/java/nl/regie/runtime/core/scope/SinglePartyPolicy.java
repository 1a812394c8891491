package nl.regie.runtime.core.scope;

import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;

/**
 * The data-sharing policy when no other is installed: every plugin and device acts for the
 * {@value AccessPolicy#DEFAULT_PARTY} party, so every reader sees every reading unchanged (declared scopes still
 * apply). That is what the sovereignty bundle's policy also says until the operator configures parties; registered
 * with the lowest ranking, so that any other policy service takes over from it at once.
 */
@Component(service = AccessPolicy.class, property = Constants.SERVICE_RANKING + ":Integer=" + Integer.MIN_VALUE)
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
