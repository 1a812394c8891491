package nl.regie.runtime.spi.config;

import java.time.Duration;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered once, by the runtime's config folder, when the configurations its first reading of the folder applied are
 * in force: every enabled component they configure runs on them (or cannot run for another reason: a missing
 * reference, a failed activation). ConfigAdmin hands a configuration on on a thread of its own, and the component
 * runtime may activate a component on its defaults before it arrives and again after; this is how the launcher's
 * ready line knows that the site, the federation's broker or the HTTP tokens of the folder are the ones in use.
 * Without a folder it is registered at once. Private to the runtime bundles.
 */
@ProviderType
public interface ConfigInForce {

    /** The PIDs whose files the first reading applied. */
    Set<String> pids();

    /** From the start of the first reading to the moment the last of them was in force. */
    Duration took();
}
