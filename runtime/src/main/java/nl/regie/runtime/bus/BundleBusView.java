package nl.regie.runtime.bus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;

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
 */
@Component(scope = ServiceScope.BUNDLE, service = ReadingBus.class)
public final class BundleBusView implements ReadingBus {

    private final BusEngineService bus;
    private final Owner owner;
    private final Set<Subscription> subscriptions = new HashSet<>();
    private boolean closed;

    /** The view for the bundle that gets the service. */
    @Activate
    public BundleBusView(@Reference(name = "bus") BusEngineService bus, ComponentContext context) {
        this(bus, Owner.of(context.getUsingBundle()));
    }

    BundleBusView(BusEngineService bus, Owner owner) {
        this.bus = bus;
        this.owner = owner;
    }

    @Override
    public void publish(Reading reading) {
        bus.publish(owner.symbolicName(), reading);
    }

    @Override
    public Subscription subscribe(Collection<String> topicFilters, ReadingListener listener) {
        Subscription subscription = bus.subscribe(owner, topicFilters, listener);
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
