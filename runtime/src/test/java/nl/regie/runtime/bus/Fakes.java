package nl.regie.runtime.bus;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;

/** Minimal stand-ins for framework objects, for unit tests that construct components directly. */
final class Fakes {

    private Fakes() {
    }

    static Bundle bundle(String symbolicName, String version, long id) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getVersion" -> Version.parseVersion(version);
                    case "getBundleId" -> id;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
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
