package nl.regie.benchmarks;

import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.model.Reading;
import nl.regie.runtime.core.bus.BundleBusView;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.limits.PluginLimits;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.sovereignty.policy.PolicyException;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.osgi.service.log.Logger;

/**
 * The Regie bus run directly as a {@link BusEngine} with its default settings (10,000-reading queues, 5 s
 * delivery timeout): the same code the runtime bundle runs, without a framework around it.
 *
 * <p>Without enforcement the benchmark publishes and subscribes as the runtime itself does (no scope, no view).
 * With enforcement it goes the way of plugins: it publishes through a plugin's {@link BundleBusView} (the declared
 * scope's publish check, the source check), and each subscriber subscribes through its own plugin's view, so every
 * delivery passes through a {@link nl.regie.runtime.spi.bus.ReadView} of a real {@link PolicyEngine}, on the
 * subscriber's thread. The policy has two parties: the publishing plugin's readings belong to {@code contractor},
 * the subscribing plugins act for {@code city}, which reads them under a grant (the realistic, costlier case: the
 * same-party case skips the grant lookup). The publishing plugin's limits are checked on every publish too (its rate,
 * the entities it publishes about, the runtime subscriptions' share), set high enough never to refuse: what is
 * measured is their cost, not a throttle.
 */
final class RegieBusFixture implements Fixture {

    /** The publishing plugin: the readings' source (see {@link Fixture#readings()}). */
    private static final Owner PUBLISHER = new Owner("benchmark", "1.0.0", 100);
    private static final String FILTER = "WasteContainer/+/fillingLevel";

    private final BusEngine bus = new BusEngine(BusSettings.defaults(), stderrLogger());
    private final Reading[] readings = Fixture.readings().toArray(Reading[]::new);
    /** Null without enforcement. */
    private final BundleBusView publisher;

    RegieBusFixture(Sink deliveries, boolean enforced) {
        ScopeGuards scopes = enforced ? scopes(deliveries.subscribers()) : null;
        PluginLimits limits = new PluginLimits(bundle -> false, entity -> true, stderrLogger(), Clock.systemUTC(),
                System::nanoTime);
        limits.apply(Map.of("publishPerSecond", 100_000_000, "publishBurst", 100_000_000));
        publisher = enforced ? BundleBusView.of(bus, PUBLISHER, scopes.forPlugin(PUBLISHER,
                DeclaredScope.of(List.of(), List.of(FILTER), List.of())), limits.forPlugin(PUBLISHER)) : null;
        for (int i = 0; i < deliveries.subscribers(); i++) {
            int subscriber = i;
            Owner owner = new Owner("benchmark.subscriber" + i, "1.0.0", i);
            ReadingListener listener = reading -> deliveries.delivered(subscriber);
            if (enforced) {
                BundleBusView.of(bus, owner, scopes.forPlugin(owner,
                        DeclaredScope.of(List.of("WasteContainer/#"), List.of(), List.of())), limits.forPlugin(owner))
                        .subscribe(FILTER, listener);
            } else {
                bus.subscribe(owner, List.of(FILTER), listener);
            }
        }
    }

    /**
     * The guards under a policy of two parties: the publishing plugin signed with the contractor's key, the subscribers
     * with the city's (the keys are made up: the engine is told who signed what, as the runtime's tracker tells it).
     */
    private static ScopeGuards scopes(int subscribers) {
        AuditLog audit = event -> { };
        PolicyEngine policy = new PolicyEngine(audit);
        String contractorKey = "sha256:" + "c2".repeat(32);
        String cityKey = "sha256:" + "c1".repeat(32);
        Map<String, String> signers = new HashMap<>(Map.of(PUBLISHER.symbolicName(), contractorKey));
        for (int i = 0; i < subscribers; i++) {
            signers.put("benchmark.subscriber" + i, cityKey);
        }
        policy.signers(signers);
        try {
            policy.apply(Map.of(
                    "defaultParty", "city",
                    "keys", "contractor " + contractorKey + ", city " + cityKey,
                    "personal", "Resident/#",
                    "grants", "contractor>city WasteContainer/#"));
        } catch (PolicyException e) {
            throw new IllegalStateException("the benchmark's policy is refused: " + e.getMessage(), e);
        }
        return new ScopeGuards(policy, audit, stderrLogger(), -1, Clock.systemUTC());
    }

    @Override
    public void publish(int i) {
        Reading reading = readings[i & (MESSAGES - 1)];
        if (publisher != null) {
            publisher.publish(reading);
        } else {
            bus.publish(PUBLISHER.symbolicName(), reading);
        }
    }

    @Override
    public void stop() {
        List<SubscriberInfo> subscribers = bus.subscribers();
        bus.close();
        for (SubscriberInfo subscriber : subscribers) {
            if (subscriber.dropped() > 0 || subscriber.failed() > 0) {
                throw new IllegalStateException("invalid run, the bus dropped or failed readings: " + subscriber);
            }
        }
    }

    /** The bus's own drop counters, by subscriber in the order they subscribed. */
    @Override
    public long[] dropped() {
        return bus.subscribers().stream().sorted(Comparator.comparingLong(SubscriberInfo::id))
                .mapToLong(SubscriberInfo::dropped).toArray();
    }

    @Override
    public long queued() {
        return bus.subscribers().stream().mapToLong(SubscriberInfo::queueDepth).sum();
    }

    @Override
    public void close() {
        bus.close();
    }

    private static Logger stderrLogger() {
        return ConsoleLogger.create("benchmark", System.err, Set.of("warn", "error"));
    }
}
