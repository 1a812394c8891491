package nl.regie.itests.plugin.flooder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.LimitExceededException;
import nl.regie.api.scope.PluginScope;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * A plugin that goes past every limit, all within its declared scope: it floods the bus with water levels of
 * entities it makes up, subscribes again and again, raises alert after alert, and starts threads. The test drives it
 * through a {@code Function<String, String>} service: {@code "flood N"}, {@code "subscribe N"}, {@code "alerts N"},
 * {@code "threads N"}, {@code "stop-threads"}; each answers what went through and the first refusal of each limit.
 */
@Component(immediate = true, property = "regie.itests.role=flooder")
@PluginScope(reads = "WaterObserved/#", publishes = "WaterObserved/#")
public class Flooder implements Function<String, String> {

    /** How many made-up entities the flood goes round. */
    public static final int ENTITIES = 20_000;

    private final ReadingBus bus;
    private final Alerts alerts;
    private final String name;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    @Activate
    public Flooder(@Reference ReadingBus bus, @Reference Alerts alerts, BundleContext context) {
        this.bus = bus;
        this.alerts = alerts;
        this.name = context.getBundle().getSymbolicName();
    }

    @Deactivate
    synchronized void deactivate() throws InterruptedException {
        stopThreads();
        subscriptions.forEach(Subscription::close);
    }

    @Override
    public synchronized String apply(String command) {
        String[] words = command.split(" ");
        int n = words.length > 1 ? Integer.parseInt(words[1]) : 0;
        Refusals refusals = new Refusals();
        int done = 0;
        try {
            for (int i = 0; i < n; i++) {
                try {
                    switch (words[0]) {
                        case "flood" -> bus.publish(Reading.of(EntityId.of("WaterObserved", "fake-" + (i % ENTITIES)),
                                "waterLevel", Value.of(9.99), "m", name));
                        case "subscribe" -> subscriptions.add(bus.subscribe("WaterObserved/#", reading -> { }));
                        case "alerts" -> alerts.raise(new AlertRequest("fake-flood-" + name + "-" + i, "naturalDisaster",
                                "flood", AlertSeverity.CRITICAL, "A flood that is not there", null, null, Instant.now()));
                        case "threads" -> startThread(i);
                        default -> throw new IllegalArgumentException("unknown command " + command);
                    }
                    done++;
                } catch (LimitExceededException e) {
                    refusals.add(e);
                }
            }
            if (words[0].equals("stop-threads")) {
                stopThreads();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "done=" + done + " refused=" + refusals.counts + " first=" + refusals.first;
    }

    private void startThread(int i) {
        Thread thread = new Thread(() -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                // ends
            }
        }, "flooder-worker-" + i);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    private void stopThreads() throws InterruptedException {
        stop.countDown();
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        threads.clear();
    }

    /** The refusals of one command: counted per limit, the first message of each kept. */
    private static final class Refusals {
        final Map<String, Integer> counts = new TreeMap<>();
        final Map<String, String> first = new TreeMap<>();

        void add(LimitExceededException e) {
            counts.merge(e.limit(), 1, Integer::sum);
            first.putIfAbsent(e.limit(), e.plugin() + "|" + e.limit() + "|" + e.value() + "|" + e.getMessage());
        }
    }
}
