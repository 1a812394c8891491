package nl.regie.runtime.web.http;

import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

/** A policy for tests: everything acts for the default party, and a reader of that party sees it as it is. */
enum SamePartyPolicy implements AccessPolicy {
    INSTANCE;

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
        return reading -> readerParty.equals(DEFAULT_PARTY) ? reading : null;
    }
}
