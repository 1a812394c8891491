package nl.regie.runtime.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

/**
 * An access policy for tests: every plugin acts for {@value AccessPolicy#DEFAULT_PARTY} unless {@link #party} says
 * otherwise, every view applies one given function (the identity unless told otherwise), and services are granted as
 * {@link #grant} says (nothing until then), and signing keys are trusted as {@link #trustKey} says (none until then). It remembers which views were asked for and on which threads they were
 * applied.
 */
public final class TestPolicy implements AccessPolicy {

    private final UnaryOperator<Reading> transform;
    private final List<String> viewsMade = new CopyOnWriteArrayList<>();
    private final List<String> appliedOn = new CopyOnWriteArrayList<>();
    private final Map<String, String> parties = new ConcurrentHashMap<>();
    private final Map<String, List<String>> grants = new ConcurrentHashMap<>();
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private final Map<String, String> signers = new ConcurrentHashMap<>();

    /** A policy whose views let everything through unchanged. */
    public TestPolicy() {
        this(UnaryOperator.identity());
    }

    /** A policy whose views apply {@code transform} (returning null withholds a reading). */
    public TestPolicy(UnaryOperator<Reading> transform) {
        this.transform = transform;
    }

    @Override
    public String partyOfPlugin(String symbolicName) {
        return parties.getOrDefault(symbolicName, DEFAULT_PARTY);
    }

    /** Makes a plugin act for a party from now on. */
    public TestPolicy party(String symbolicName, String party) {
        parties.put(symbolicName, party);
        return this;
    }

    /** Trusts a signing key, for a party, from now on. */
    public TestPolicy trustKey(String fingerprint, String party) {
        keys.put(fingerprint, party);
        return this;
    }

    @Override
    public Optional<String> partyOfKey(String fingerprint) {
        return Optional.ofNullable(keys.get(fingerprint));
    }

    /** Says a running plugin was signed by a key (its fingerprint), from now on. */
    public TestPolicy signedBy(String symbolicName, String fingerprint) {
        signers.put(symbolicName, fingerprint);
        return this;
    }

    @Override
    public Optional<String> keyOfPlugin(String symbolicName) {
        return Optional.ofNullable(signers.get(symbolicName));
    }

    /** Grants a plugin services of a kind from now on, replacing what it was granted of that kind (none: withdrawn). */
    public TestPolicy grant(String symbolicName, String kind, String... values) {
        grants.put(symbolicName + ' ' + kind, List.of(values));
        return this;
    }

    @Override
    public List<String> grantedServices(String symbolicName, String kind) {
        return grants.getOrDefault(symbolicName + ' ' + kind, List.of());
    }

    @Override
    public String partyOfSource(String source) {
        return DEFAULT_PARTY;
    }

    @Override
    public ReadView readView(String readerParty, String readerName) {
        viewsMade.add(readerParty + '/' + readerName);
        return reading -> {
            appliedOn.add(Thread.currentThread().getName());
            return transform.apply(reading);
        };
    }

    /** The views made, as party/reader. */
    public List<String> viewsMade() {
        return List.copyOf(viewsMade);
    }

    /** The names of the threads views were applied on, one per reading. */
    public List<String> appliedOn() {
        return List.copyOf(appliedOn);
    }
}
