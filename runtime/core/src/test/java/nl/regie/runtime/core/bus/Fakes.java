package nl.regie.runtime.core.bus;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.core.limits.PluginLimits;
import nl.regie.runtime.testing.RecordingLogger;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/** Minimal stand-ins for framework objects, for unit tests that construct components directly. */
final class Fakes {

    private Fakes() {
    }

    /** A bundle whose manifest declares the scope to read and publish everything. */
    static Bundle bundle(String symbolicName, String version, long id) {
        return bundle(symbolicName, version, id, Map.of("reads", List.of("#"), "publishes", List.of("#")));
    }

    /** A bundle whose manifest declares one regie.scope capability with these attributes (none if null). */
    static Bundle bundle(String symbolicName, String version, long id, Map<String, Object> scope) {
        BundleRevision revision = (BundleRevision) Proxy.newProxyInstance(BundleRevision.class.getClassLoader(),
                new Class<?>[] {BundleRevision.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getDeclaredCapabilities" -> scope == null || !"regie.scope".equals(args[0]) ? List.of()
                            : List.of(capability(scope));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "adapt" -> args[0] == BundleRevision.class ? revision : null;
                    case "getSymbolicName" -> symbolicName;
                    case "getVersion" -> Version.parseVersion(version);
                    case "getBundleId" -> id;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static BundleCapability capability(Map<String, Object> attributes) {
        return (BundleCapability) Proxy.newProxyInstance(BundleCapability.class.getClassLoader(),
                new Class<?>[] {BundleCapability.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getAttributes" -> attributes;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /**
     * The default limits, the bundle with {@code runtimeBundleId} unlimited, knowing no entity of the city state
     * (every entity a plugin publishes about counts as one it brings in).
     */
    static PluginLimits limits(long runtimeBundleId) {
        return new PluginLimits(bundle -> bundle.getBundleId() == runtimeBundleId, entity -> false,
                new RecordingLogger().logger(), Clock.systemUTC(), System::nanoTime);
    }

    /** A service reference whose properties are read from the given (mutable) map at each call. */
    @SuppressWarnings("unchecked")
    static <S> ServiceReference<S> reference(Bundle bundle, Map<String, Object> properties) {
        return (ServiceReference<S>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getBundle" -> bundle;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "ServiceReference " + properties;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
