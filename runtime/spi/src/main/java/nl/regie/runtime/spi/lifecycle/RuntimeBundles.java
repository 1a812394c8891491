package nl.regie.runtime.spi.lifecycle;

import java.util.Arrays;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Which bundles are the runtime's own: those whose location starts with one of the prefixes the framework property
 * {@value #LOCATIONS_PROPERTY} lists (comma-separated; by default {@value #DEFAULT_LOCATIONS}; the launcher sets it to
 * the folder it installs its shipped bundles from by reference), and the system bundle. Only runtime bundles may wire to the runtime's packages
 * (the SPI bundle's resolver hook enforces it), and the runtime's views never restrict them as they restrict a plugin.
 *
 * <p>A bundle location is chosen by whoever installs the bundle. Inside one JVM, code that means harm can install a
 * bundle under any location, so this tells the runtime's bundles from plugins that keep to the api; it is not a
 * security boundary (see the README, "Where the trust boundary is").
 */
public final class RuntimeBundles {

    /** The framework property listing the location prefixes of runtime bundles. */
    public static final String LOCATIONS_PROPERTY = "regie.runtime.locations";
    /** The prefix when the property is not set (the launcher installed its shipped bundles there before it set it). */
    public static final String DEFAULT_LOCATIONS = "regie-launcher:bundles/";

    private final List<String> prefixes;

    private RuntimeBundles(List<String> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    /** The runtime bundles as the framework's properties define them. */
    public static RuntimeBundles of(BundleContext context) {
        return parse(context.getProperty(LOCATIONS_PROPERTY));
    }

    /** The runtime bundles for a property value; {@code null} or blank means {@value #DEFAULT_LOCATIONS}. */
    public static RuntimeBundles parse(String locations) {
        String value = locations == null || locations.isBlank() ? DEFAULT_LOCATIONS : locations;
        return new RuntimeBundles(Arrays.stream(value.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList());
    }

    /** Whether a bundle is one of the runtime's own. */
    public boolean contains(Bundle bundle) {
        if (bundle.getBundleId() == 0) {
            return true;
        }
        String location = bundle.getLocation();
        return location != null && prefixes.stream().anyMatch(location::startsWith);
    }

    /** The location prefixes, for messages. */
    public List<String> prefixes() {
        return prefixes;
    }
}
