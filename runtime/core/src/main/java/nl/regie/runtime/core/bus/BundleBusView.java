package nl.regie.runtime.core.bus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.Scopes;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.RuntimeBus;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The {@link ReadingBus} as one bundle sees it: a bundle-scoped service, so every bundle that gets it has its
 * own instance. It publishes under the bundle's symbolic name, subscribes with the bundle as owner, and closes
 * the bundle's subscriptions when the bundle releases the service (for example when it stops).
 *
 * <p>It enforces the plugin's declared scope ({@link ScopeGuard}): a publish outside it, or of a reading whose
 * source is not the plugin, and a subscription whose filter it does not cover, throw {@link SecurityException}.
 * Each subscription reads through its own {@link nl.regie.runtime.spi.bus.ReadView} of the data-sharing policy.
 * The runtime's own bundle is unrestricted.
 */
@Component(scope = ServiceScope.BUNDLE, service = ReadingBus.class)
public final class BundleBusView implements ReadingBus {

    private final RuntimeBus bus;
    private final Owner owner;
    private final ScopeGuard guard;
    private final Set<Subscription> subscriptions = new HashSet<>();
    private boolean closed;

    /** The view for the bundle that gets the service. */
    @Activate
    public BundleBusView(@Reference(name = "bus") RuntimeBus bus,
            @Reference(name = "scopes") Scopes scopes, ComponentContext context) {
        this(bus, Owner.of(context.getUsingBundle()), scopes.forBundle(context.getUsingBundle()));
    }

    /**
     * The view of a plugin with a given guard, outside a framework (tests, benchmarks). A factory rather than a second
     * public constructor: SCR would try a public constructor with as many parameters as the one above, and log an
     * error for its argument types.
     */
    public static BundleBusView of(RuntimeBus bus, Owner owner, ScopeGuard guard) {
        return new BundleBusView(bus, owner, guard);
    }

    private BundleBusView(RuntimeBus bus, Owner owner, ScopeGuard guard) {
        this.bus = bus;
        this.owner = owner;
        this.guard = guard;
    }

    /** {@inheritDoc} Refused with a {@link SecurityException} outside the plugin's declared scope. */
    @Override
    public void publish(Reading reading) {
        guard.checkPublish(reading);
        bus.publish(owner.symbolicName(), reading);
    }

    /** {@inheritDoc} Refused with a {@link SecurityException} if a filter is not covered by the declared scope. */
    @Override
    public Subscription subscribe(Collection<String> topicFilters, ReadingListener listener) {
        Subscription subscription = guard.isUnrestricted() ? bus.subscribe(owner, topicFilters, listener)
                : bus.subscribe(owner, guard.checkSubscribe(topicFilters), listener, guard.newReadView());
        synchronized (subscriptions) {
            if (closed) {
                subscription.close();
                throw new IllegalStateException("the bus view of bundle " + owner + " has been released");
            }
            subscriptions.add(subscription);
        }
        return new Tracked(subscription);
    }

    /** Closes every subscription the bundle made and has not closed. */
    @Deactivate
    void deactivate() {
        List<Subscription> open;
        synchronized (subscriptions) {
            closed = true;
            open = new ArrayList<>(subscriptions);
            subscriptions.clear();
        }
        open.forEach(Subscription::close);
    }

    /** A subscription that forgets itself in this view when the bundle closes it. */
    private final class Tracked implements Subscription {
        private final Subscription subscription;

        Tracked(Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public List<String> topicFilters() {
            return subscription.topicFilters();
        }

        @Override
        public void close() {
            synchronized (subscriptions) {
                subscriptions.remove(subscription);
            }
            subscription.close();
        }
    }
}
