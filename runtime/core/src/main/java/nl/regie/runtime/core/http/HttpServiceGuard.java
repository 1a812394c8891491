package nl.regie.runtime.core.http;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.Scopes;
import nl.regie.runtime.spi.lifecycle.PluginBundles;
import nl.regie.runtime.spi.policy.ServiceKinds;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Keeps a plugin's HTTP services from the HTTP server unless its declared scope and the policy let it serve what they
 * would serve: service hooks, the framework's supported way to hide a service, so that Felix HTTP (like any other
 * bundle but the plugin itself) never finds the service nor hears of its registration.
 *
 * <ul>
 * <li>A plugin's HTTP whiteboard service (servlet, filter, resource, listener, error page, servlet context,
 * preprocessor; see {@link WhiteboardNeeds}) is hidden unless every path it needs is declared ({@code serves}) and
 * granted; the first time, a warning names the plugin, the service and why, and the refusal is counted and
 * audited (kind {@code service}).</li>
 * <li>The HTTP Service of the OSGi HTTP spec (registering servlets by calling it, outside the whiteboard and outside
 * the runtime's access filter) is hidden from every plugin not trusted with every path ({@code serves /}).</li>
 * <li>The runtime's own bundles' services are never hidden, nor the HTTP implementation's own (its default context:
 * a bundle that declares {@code osgi.implementation=osgi.http} and is no plugin), and a bundle always sees its
 * own.</li>
 * </ul>
 *
 * <p>Each decision is made against the policy in force when the service registers or is looked up. The HTTP server
 * keeps what it was given: a grant withdrawn later does not take a servlet away until the plugin registers it again
 * (restart or update the plugin), and a plugin's service granted later is found when the plugin registers it again.
 * Hooks see only what registers after this component starts, which the runtime does before any plugin.
 */
@Component(immediate = true, service = {FindHook.class, EventListenerHook.class})
public final class HttpServiceGuard implements FindHook, EventListenerHook {

    /** The HTTP Service of the OSGi HTTP spec, which registers servlets on call rather than from the whiteboard. */
    static final String HTTP_SERVICE = "org.osgi.service.http.HttpService";
    /** The namespace in which an HTTP whiteboard implementation declares itself, and what it declares. */
    static final String IMPLEMENTATION_NAMESPACE = "osgi.implementation";
    static final String HTTP_IMPLEMENTATION = "osgi.http";

    private final Scopes scopes;
    private final Logger log;
    /** By service id: its properties when last judged, and the judgement; dropped when it unregisters. */
    private final Map<Long, Judged> judged = new ConcurrentHashMap<>();
    /** The plugins already told (logged, audited) they may not use the HTTP Service. */
    private final Set<Long> refusedHttpService = ConcurrentHashMap.newKeySet();

    private record Judged(String properties, WhiteboardNeeds needs, ScopeGuard guard) {
    }

    /** The guard of the running runtime. */
    @Activate
    public HttpServiceGuard(@Reference(name = "scopes") Scopes scopes,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this.scopes = scopes;
        this.log = log;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        Bundle finder = bundleOf(context);
        references.removeIf(reference -> hiddenFrom(finder, reference));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> reference = event.getServiceReference();
        listeners.keySet().removeIf(context -> hiddenFrom(bundleOf(context), reference));
        if (event.getType() == ServiceEvent.UNREGISTERING) {
            judged.remove((Long) reference.getProperty(Constants.SERVICE_ID));
        }
    }

    /** Whether a service is kept from a bundle. */
    boolean hiddenFrom(Bundle finder, ServiceReference<?> reference) {
        Bundle owner = reference.getBundle();
        if (owner == null || finder == null || owner.equals(finder)) {
            return false;
        }
        String[] objectClass = (String[]) reference.getProperty(Constants.OBJECTCLASS);
        if (Arrays.asList(objectClass).contains(HTTP_SERVICE) && mayNotUseHttpService(finder)) {
            return true;
        }
        return WhiteboardNeeds.isWhiteboard(objectClass, reference.getPropertyKeys())
                && !mayServe(owner, reference, objectClass);
    }

    private boolean mayServe(Bundle owner, ServiceReference<?> reference, String[] objectClass) {
        long serviceId = (Long) reference.getProperty(Constants.SERVICE_ID);
        String properties = propertiesOf(reference);
        Judged earlier = judged.get(serviceId);
        if (earlier != null && earlier.properties().equals(properties)) {
            return earlier.needs() == null || earlier.guard().mayRegister(ServiceKinds.SERVES, earlier.needs().paths());
        }
        ScopeGuard guard = scopes.forBundle(owner);
        if (guard.isUnrestricted() || httpImplementation(owner)) {
            judged.put(serviceId, new Judged(properties, null, guard));
            return true;
        }
        WhiteboardNeeds needs = WhiteboardNeeds.of(objectClass, reference::getProperty, reference.getPropertyKeys(),
                serviceId, owner.getSymbolicName());
        judged.put(serviceId, new Judged(properties, needs, guard));
        if (needs == null) {
            return true;
        }
        String refusal = guard.serviceRefusal(ServiceKinds.SERVES, needs.paths(), needs.what());
        if (refusal != null) {
            log.warn("Keeping {} from the HTTP server: {}", needs.what(), refusal);
            return false;
        }
        return true;
    }

    private boolean mayNotUseHttpService(Bundle finder) {
        ScopeGuard guard = scopes.forBundle(finder);
        if (guard.mayRegister(ServiceKinds.SERVES, List.of(ServiceKinds.ROOT))) {
            return false;
        }
        if (refusedHttpService.add(finder.getBundleId())) {
            String refusal = guard.serviceRefusal(ServiceKinds.SERVES, List.of(ServiceKinds.ROOT),
                    "servlets through the OSGi HTTP Service (which serves outside the whiteboard and the runtime's"
                            + " access filter, so it needs every path)");
            log.warn("Keeping the HTTP Service from plugin {} {}: {}", finder.getSymbolicName(), finder.getVersion(),
                    refusal);
        }
        return true;
    }

    /** Whether a bundle is the HTTP whiteboard implementation: it says so, and is not a plugin (it imports no api). */
    static boolean httpImplementation(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null || PluginBundles.importsApi(bundle.getHeaders("").get(Constants.IMPORT_PACKAGE))) {
            return false;
        }
        for (BundleCapability capability : revision.getDeclaredCapabilities(IMPLEMENTATION_NAMESPACE)) {
            if (HTTP_IMPLEMENTATION.equals(capability.getAttributes().get(IMPLEMENTATION_NAMESPACE))) {
                return true;
            }
        }
        return false;
    }

    /** The properties of a service as one text, to tell whether they changed since it was last judged. */
    private static String propertiesOf(ServiceReference<?> reference) {
        Map<String, String> sorted = new TreeMap<>();
        for (String key : reference.getPropertyKeys()) {
            Object value = reference.getProperty(key);
            sorted.put(key, value instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(value));
        }
        return sorted.toString();
    }

    private static Bundle bundleOf(BundleContext context) {
        try {
            return context.getBundle();
        } catch (IllegalStateException e) {
            return null; // a context no longer valid
        }
    }
}
