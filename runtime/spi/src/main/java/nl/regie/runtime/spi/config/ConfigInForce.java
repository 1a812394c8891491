package nl.regie.runtime.spi.config;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered by the runtime's config folder once the configurations it applied are in force: every enabled component
 * they configure runs on them (or cannot run for another reason: a missing reference, a failed activation).
 * ConfigAdmin hands a configuration on on a thread of its own, and the component runtime may activate a component on
 * its defaults before it arrives and again after; this is how the launcher's ready line knows that the site, the
 * federation's broker or the HTTP tokens of the folder are the ones in use.
 *
 * <p>The folder reads a PID's metatype only from a resolved bundle, so a file for a bundle that resolves later is
 * applied at a later reading. The property {@value #BUNDLES} says how many bundles were resolved when the reading
 * whose files are in force began: whoever has just started bundles waits for {@code (regie.config.bundles>=N)}, N
 * the bundles resolved now. Without a folder it is registered at once, with {@link Integer#MAX_VALUE}. Private to the
 * runtime bundles.
 */
@ProviderType
public interface ConfigInForce {

    /** Service property (Integer): the bundles resolved when the reading whose files are in force began. */
    String BUNDLES = "regie.config.bundles";
}
