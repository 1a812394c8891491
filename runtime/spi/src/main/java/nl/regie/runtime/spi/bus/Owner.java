package nl.regie.runtime.spi.bus;

import java.util.Objects;

import org.osgi.framework.Bundle;

/**
 * The bundle a subscription belongs to, shown in {@link nl.regie.runtime.spi.monitor.SubscriberInfo} and in the
 * names of its delivery thread and log lines.
 *
 * @param symbolicName the bundle symbolic name
 * @param version      the bundle version
 * @param bundleId     the bundle id
 */
public record Owner(String symbolicName, String version, long bundleId) {

    /** Checks that the names are present. */
    public Owner {
        Objects.requireNonNull(symbolicName, "owner symbolicName is required");
        Objects.requireNonNull(version, "owner version is required");
    }

    /** The owner that stands for a bundle. */
    public static Owner of(Bundle bundle) {
        return new Owner(bundle.getSymbolicName(), bundle.getVersion().toString(), bundle.getBundleId());
    }

    @Override
    public String toString() {
        return symbolicName + ' ' + version + " [" + bundleId + ']';
    }
}
