package nl.regie.runtime.spi.bus;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.osgi.annotation.versioning.ProviderType;

/** Readings as one reader may see them under the {@link AccessPolicy}; see {@link AccessPolicy#readView}. */
@ProviderType
@FunctionalInterface
public interface ReadView {

    /**
     * The reading as the reader may see it.
     *
     * @return the reading itself when the reader's party owns it; a transformed reading under a grant (personal
     *         attributes removed, location coarsened, or a count aggregated over the reading's zone); or null when
     *         the reader may not see it
     */
    Reading apply(Reading reading);
}
