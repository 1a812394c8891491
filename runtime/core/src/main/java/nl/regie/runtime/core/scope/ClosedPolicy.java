package nl.regie.runtime.core.scope;

import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

/**
 * The data-sharing policy while the operator's is installed but not in force (the sovereignty bundle stopped, being
 * updated or refreshed, or its policy component between two activations): it lets nothing through. Every plugin and
 * every source acts for {@link AccessPolicy#NO_PARTY}, so no reader but the operator sees any reading, no key is
 * trusted, no service is granted and nothing leaves for another site (the defaults of {@link AccessPolicy}).
 * Ownership is worked out when a reading is read, not when it is published, so nothing published meanwhile keeps the
 * mark once the operator's policy is back.
 */
final class ClosedPolicy implements AccessPolicy {

    private static final ReadView NOTHING = reading -> null;

    @Override
    public String partyOfPlugin(String symbolicName) {
        return NO_PARTY;
    }

    @Override
    public String partyOfSource(String source) {
        return NO_PARTY;
    }

    @Override
    public ReadView readView(String readerParty, String readerName) {
        return NOTHING;
    }
}
