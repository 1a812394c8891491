package nl.regie.runtime.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

/**
 * An access policy for tests: every plugin acts for {@value AccessPolicy#DEFAULT_PARTY}, and every view applies one
 * given function (the identity unless told otherwise). It remembers which views were asked for and on which threads
 * they were applied.
 */
public final class TestPolicy implements AccessPolicy {

    private final UnaryOperator<Reading> transform;
    private final List<String> viewsMade = new CopyOnWriteArrayList<>();
    private final List<String> appliedOn = new CopyOnWriteArrayList<>();

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
        return DEFAULT_PARTY;
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
