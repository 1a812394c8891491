package nl.regie.runtime.core.bus;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import nl.regie.api.bus.NotOwnerException;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.core.limits.Limits;
import nl.regie.runtime.core.limits.PluginQuota;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.Scopes;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.state.FullCityState;

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
 * Each subscription reads through its own {@link nl.regie.runtime.spi.bus.ReadView} of the data-sharing policy. A
 * delete is checked as a publish is (its topics in the declared {@code publishes}) and refused with
 * {@link NotOwnerException} when the city state holds a value of it that another source published.
 *
 * <p>It enforces the plugin's limits ({@link PluginQuota}): a publish past the plugin's rate, about a new entity past
 * its entity limit, or while a runtime subscription such as the city state has the plugins' share of its queue
 * waiting, and a subscription past its subscription limit, throw
 * {@link nl.regie.api.scope.LimitExceededException}; nothing of a refused publish reaches anyone. The runtime's own
 * bundles are unrestricted and unlimited.
 */
@Component(scope = ServiceScope.BUNDLE, service = ReadingBus.class)
public final class BundleBusView implements ReadingBus {

    private final PluginBus bus;
    private final Owner owner;
    private final ScopeGuard guard;
    private final PluginQuota quota;
    /** Who published what, for the ownership check of a deletion; null outside a framework when none is given. */
    private final CityState owners;
    /** The open subscriptions, each with what gives it back to the plugin's quota. */
    private final Map<Subscription, Runnable> subscriptions = new HashMap<>();
    private boolean closed;

    /** The view for the bundle that gets the service. */
    @Activate
    public BundleBusView(@Reference(name = "bus") PluginBus bus, @Reference(name = "scopes") Scopes scopes,
            @Reference(name = "limits") Limits limits,
            @Reference(name = "cityState", service = FullCityState.class) CityState cityState,
            ComponentContext context) {
        this(bus, Owner.of(context.getUsingBundle()), scopes.forBundle(context.getUsingBundle()),
                limits.forBundle(context.getUsingBundle()), cityState);
    }

    /**
     * The view of a plugin with a given guard, outside a framework (tests, benchmarks). A factory rather than a second
     * public constructor: SCR would try a public constructor with as many parameters as the one above, and log an
     * error for its argument types.
     */
    public static BundleBusView of(PluginBus bus, Owner owner, ScopeGuard guard, PluginQuota quota) {
        return new BundleBusView(bus, owner, guard, quota, null);
    }

    /** The view of a plugin outside a framework whose deletions are checked against {@code cityState} (the test kit). */
    public static BundleBusView of(PluginBus bus, Owner owner, ScopeGuard guard, PluginQuota quota,
            CityState cityState) {
        return new BundleBusView(bus, owner, guard, quota, cityState);
    }

    private BundleBusView(PluginBus bus, Owner owner, ScopeGuard guard, PluginQuota quota, CityState owners) {
        this.bus = bus;
        this.owner = owner;
        this.guard = guard;
        this.quota = quota;
        this.owners = owners;
    }

    /**
     * {@inheritDoc} Refused with a {@link SecurityException} outside the plugin's declared {@code publishes}, and with
     * a {@link NotOwnerException} when the city state holds a value of it another source published.
     */
    @Override
    public void delete(EntityId entity) {
        delete(new Deletion(Objects.requireNonNull(entity, "cannot delete a null entity"), null,
                owner.symbolicName(), Instant.now()));
    }

    /** {@inheritDoc} Refused as {@link #delete(EntityId)} is. */
    @Override
    public void delete(EntityId entity, String attribute) {
        Objects.requireNonNull(attribute, "the attribute to delete is required (delete(entity) deletes the entity)");
        delete(new Deletion(Objects.requireNonNull(entity, "cannot delete a null entity"), attribute,
                owner.symbolicName(), Instant.now()));
    }

    private void delete(Deletion deletion) {
        Map<String, AttributeState> held = owners == null ? Map.of()
                : owners.entity(deletion.entity()).map(EntityState::attributes).orElse(Map.of());
        guard.checkDelete(deletion, held.keySet());
        for (Map.Entry<String, AttributeState> a : held.entrySet()) {
            if ((deletion.wholeEntity() || a.getKey().equals(deletion.attribute()))
                    && !owner.symbolicName().equals(a.getValue().source())) {
                throw new NotOwnerException("plugin " + owner + " may not delete " + deletion.entity()
                        + (deletion.wholeEntity() ? "" : " " + deletion.attribute()) + ": its "
                        + (deletion.wholeEntity() ? "attribute " + a.getKey() : "value") + " was published by another"
                        + " source; a plugin deletes only what it published");
            }
        }
        quota.checkDelete(deletion.topic());
        bus.delete(owner.symbolicName(), deletion);
    }

    /**
     * {@inheritDoc} Refused with a {@link SecurityException} outside the plugin's declared scope, and with a
     * {@link nl.regie.api.scope.LimitExceededException} past one of its limits.
     */
    @Override
    public void publish(Reading reading) {
        guard.checkPublish(reading);
        if (!quota.limited()) {
            bus.publish(owner.symbolicName(), reading);
            return;
        }
        quota.checkPublish(reading);
        String crowded = bus.publishUnlessCrowded(owner.symbolicName(), reading, quota.busSharePercent());
        if (crowded != null) {
            throw quota.crowded(reading, crowded);
        }
    }

    /**
     * {@inheritDoc} Refused with a {@link SecurityException} if a filter is not covered by the declared scope, and
     * with a {@link nl.regie.api.scope.LimitExceededException} past the plugin's subscription limit.
     */
    @Override
    public Subscription subscribe(Collection<String> topicFilters, ReadingListener listener) {
        List<String> filters = guard.checkSubscribe(topicFilters);
        Runnable release = quota.openSubscription(filters);
        Subscription subscription;
        try {
            subscription = guard.isUnrestricted() ? bus.subscribe(owner, filters, listener)
                    : bus.subscribe(owner, filters, listener, guard.newReadView());
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        synchronized (subscriptions) {
            if (closed) {
                subscription.close();
                release.run();
                throw new IllegalStateException("the bus view of bundle " + owner + " has been released");
            }
            subscriptions.put(subscription, release);
        }
        return new Tracked(subscription);
    }

    /** Closes every subscription the bundle made and has not closed. */
    @Deactivate
    void deactivate() {
        Map<Subscription, Runnable> open;
        synchronized (subscriptions) {
            closed = true;
            open = new HashMap<>(subscriptions);
            subscriptions.clear();
        }
        open.forEach((subscription, release) -> {
            subscription.close();
            release.run();
        });
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
            Runnable release;
            synchronized (subscriptions) {
                release = subscriptions.remove(subscription);
            }
            subscription.close();
            if (release != null) {
                release.run();
            }
        }
    }
}
