package nl.regie.runtime.core.bus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.runtime.core.limits.Limits;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.Scopes;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.bus.TopicFilter;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Subscribes every {@link ReadingListener} service to the topics in its {@value ReadingListener#TOPICS}
 * property (String or String[]), on behalf of the bundle that registered it. A service whose property is
 * missing or malformed is ignored with a warning that names its bundle, the service and the problem; the
 * other listeners are not affected. When the property changes the listener is resubscribed; when the
 * service goes away its subscription is closed.
 *
 * <p>A listener service with a {@value ComponentConstants#COMPONENT_NAME} property (Declarative Services always
 * sets it) is subscribed durably, keyed by its bundle's symbolic name and that component name: while the plugin
 * lifecycle holds the bundle's symbolic name ({@link BusHolds}), its subscription outlives the service, and the
 * same component registered again, by the bundle's next version, takes it over with the readings held meanwhile.
 *
 * <p>A plugin's listener is subscribed only if its bundle's declared scope covers every filter ({@link ScopeGuard});
 * otherwise it is not subscribed, the refusal is audited, and a warning names the plugin, the service and the
 * filter. Each subscription reads through its own {@link nl.regie.runtime.spi.bus.ReadView} of the policy. A plugin
 * already at its subscription limit ({@link Limits}) gets no more: the listener is not subscribed, with a warning.
 */
@Component(immediate = true)
public final class ListenerWhiteboard {

    private final RuntimeBus bus;
    private final Scopes scopes;
    private final Limits limits;
    private final Logger logger;
    /** Guarded by this. */
    private final Map<ServiceReference<?>, Subscription> subscriptions = new HashMap<>();
    /** What gives each subscription back to its plugin's quota. Guarded by this. */
    private final Map<ServiceReference<?>, Runnable> releases = new HashMap<>();
    private boolean deactivated;

    /** Creates the whiteboard; listeners are bound after this. */
    @Activate
    public ListenerWhiteboard(@Reference(name = "bus") RuntimeBus bus,
            @Reference(name = "scopes") Scopes scopes, @Reference(name = "limits") Limits limits,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.bus = bus;
        this.scopes = scopes;
        this.limits = limits;
        this.logger = logger;
    }

    @Reference(name = "listeners", service = ReadingListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            updated = "updatedListener", unbind = "removeListener")
    synchronized void addListener(ReadingListener listener, ServiceReference<ReadingListener> reference) {
        if (!deactivated) {
            subscribe(listener, reference);
        }
    }

    synchronized void updatedListener(ReadingListener listener, ServiceReference<ReadingListener> reference) {
        Subscription current = subscriptions.get(reference);
        Object topics = reference.getProperty(ReadingListener.TOPICS);
        if (deactivated || current != null && current.topicFilters().equals(asList(topics))) {
            return; // another property changed; keep the subscription and what it has queued
        }
        removeListener(listener, reference);
        // Closed first, so the listener is never called from two threads at once.
        subscribe(listener, reference);
    }

    synchronized void removeListener(ReadingListener listener, ServiceReference<ReadingListener> reference) {
        Subscription subscription = subscriptions.remove(reference);
        if (subscription != null) {
            subscription.close();
        }
        Runnable release = releases.remove(reference);
        if (release != null) {
            release.run();
        }
    }

    @Deactivate
    synchronized void deactivate() {
        deactivated = true;
        List<Subscription> open = new ArrayList<>(subscriptions.values());
        subscriptions.clear();
        open.forEach(Subscription::close);
        releases.values().forEach(Runnable::run);
        releases.clear();
    }

    private void subscribe(ReadingListener listener, ServiceReference<ReadingListener> reference) {
        Bundle bundle = reference.getBundle();
        if (bundle == null) {
            return; // unregistered meanwhile
        }
        try {
            List<String> filters = topicFilters(reference.getProperty(ReadingListener.TOPICS));
            ScopeGuard guard = scopes.forBundle(bundle);
            guard.checkSubscribe(filters);
            ReadView view = guard.newReadView();
            Runnable release = limits.forBundle(bundle).openSubscription(filters);
            Object component = reference.getProperty(ComponentConstants.COMPONENT_NAME);
            try {
                subscriptions.put(reference, component instanceof String name && !name.isBlank()
                        ? bus.subscribeDurable(Owner.of(bundle), name, filters, listener, view)
                        : bus.subscribe(Owner.of(bundle), filters, listener, view));
                releases.put(reference, release);
            } catch (RuntimeException e) {
                release.run();
                throw e;
            }
        } catch (IllegalArgumentException | SecurityException e) {
            logger.warn("Ignoring ReadingListener service {} ({}) of bundle {} {}: {}",
                    reference.getProperty(Constants.SERVICE_ID), describe(listener, reference),
                    bundle.getSymbolicName(), bundle.getVersion(), e.getMessage());
        }
    }

    private static String describe(ReadingListener listener, ServiceReference<?> reference) {
        Object component = reference.getProperty(ComponentConstants.COMPONENT_NAME);
        return component != null ? component.toString() : listener.getClass().getName();
    }

    /**
     * The topic filters of a {@value ReadingListener#TOPICS} property value, each validated.
     *
     * @throws IllegalArgumentException saying what is wrong: missing, of the wrong type, empty, or a malformed filter
     */
    static List<String> topicFilters(Object property) {
        if (property == null) {
            throw new IllegalArgumentException("it has no " + ReadingListener.TOPICS + " service property");
        }
        List<String> filters = asList(property);
        if (filters == null) {
            throw new IllegalArgumentException("its " + ReadingListener.TOPICS + " property must be a String or"
                    + " String[], not " + property.getClass().getTypeName());
        }
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("its " + ReadingListener.TOPICS + " property is empty");
        }
        filters.forEach(TopicFilter::parse);
        return filters;
    }

    /** The property as a list of strings, or null if it is not a String, String[] or collection of strings. */
    private static List<String> asList(Object property) {
        if (property instanceof String filter) {
            return List.of(filter);
        }
        if (property instanceof String[] filters) {
            return List.of(filters);
        }
        if (property instanceof Collection<?> values && values.stream().allMatch(String.class::isInstance)) {
            return values.stream().map(String.class::cast).toList();
        }
        return null;
    }
}
