package nl.regie.runtime.federation;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import nl.regie.api.model.Reading;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.sovereignty.policy.PolicyException;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.testing.RecordingLogger;

/**
 * One site for tests against a real broker: the real policy engine with the site's rules, the engine, and a real link
 * to the broker; what reaches the site's bus is kept in {@link #bus}.
 */
final class TestSite implements AutoCloseable {

    final PolicyEngine policy;
    final FederationEngine engine;
    final FederationLink link;
    final List<Reading> bus = new CopyOnWriteArrayList<>();
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final RecordingLogger log = new RecordingLogger();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-federation");
        t.setDaemon(true);
        return t;
    });

    TestSite(String name, Map<String, Object> rules, String broker, Credentials credentials) throws Exception {
        policy = new PolicyEngine(audit::add);
        try {
            policy.apply(rules);
        } catch (PolicyException e) {
            throw new AssertionError(e);
        }
        FederationLink[] holder = new FederationLink[1];
        engine = new FederationEngine(name, policy, (publisher, reading) -> bus.add(reading),
                message -> holder[0].offer(message), audit::add, Clock.systemUTC(), 3, 100_000);
        link = new FederationLink(new LinkSettings(broker, "regie-federation-" + name,
                credentials == null ? null : credentials.username(), credentials == null ? null : credentials.password(),
                100_000, 1, 3600), engine.inbox(), engine::receive, engine::sent, scheduler, log.logger(),
                Clock.systemUTC());
        holder[0] = link;
        link.start();
    }

    @Override
    public void close() {
        link.close();
        scheduler.shutdownNow();
    }
}
