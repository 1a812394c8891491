package nl.regie.benchmarks;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;

import nl.regie.api.model.Reading;
import nl.regie.api.monitor.SubscriberInfo;
import nl.regie.runtime.bus.BusEngine;
import nl.regie.runtime.bus.BusSettings;
import nl.regie.runtime.bus.Owner;

import org.osgi.service.log.Logger;

/**
 * The Regie bus run directly as a {@link BusEngine} with its default settings (10,000-reading queues, 5 s
 * delivery timeout): the same code the runtime bundle runs, without a framework around it.
 */
final class RegieBusFixture implements Fixture {

    private final BusEngine bus = new BusEngine(BusSettings.defaults(), stderrLogger());
    private final Reading[] readings = Fixture.readings().toArray(Reading[]::new);

    RegieBusFixture(Deliveries deliveries) {
        for (int i = 0; i < deliveries.subscribers(); i++) {
            int subscriber = i;
            bus.subscribe(new Owner("benchmark.subscriber" + i, "1.0.0", i), List.of("WasteContainer/+/fillingLevel"),
                    reading -> deliveries.delivered(subscriber));
        }
    }

    @Override
    public void publish(int i) {
        bus.publish("benchmark", readings[i & (MESSAGES - 1)]);
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

    private static Logger stderrLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.startsWith("is")) {
                        return Boolean.TRUE;
                    }
                    if (args != null && (name.equals("warn") || name.equals("error"))) {
                        System.err.println("[bus " + name + "] " + Arrays.deepToString(args));
                    }
                    return name.equals("getName") ? "benchmark" : null;
                });
    }
}
