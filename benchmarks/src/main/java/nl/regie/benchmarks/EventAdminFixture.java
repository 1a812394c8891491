package nl.regie.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Apache Felix EventAdmin 1.6.4 in an embedded Felix 7.0.5 framework, publishing with the asynchronous
 * {@link EventAdmin#postEvent}. Each of the 1,024 prepared readings is wrapped once, up front, in its {@link Event}
 * (topic {@code {EntityType}/{localId}/{attribute}}, the reading as its one property): the Regie side publishes a
 * prepared reading, so this side posts a prepared event, and both do the same work per publish: hand a message
 * that already exists to the bus. (An Event is immutable, so posting the same one again is allowed.) Building the
 * message is left out of both sides because its cost is the publisher's, not the bus's, and differs in kind: a
 * Regie reading validates its entity id, an Event copies its property map. The handlers are registered from the
 * system bundle, which exports {@code org.osgi.service.event} from the class path so the EventAdmin bundle and the
 * benchmark share it.
 */
final class EventAdminFixture implements Fixture {

    private static final String BUNDLE_RESOURCE = "/bundles/org.apache.felix.eventadmin.jar";
    private static final String READING = "reading";

    private final Path storage;
    private final Felix framework;
    private final EventAdmin eventAdmin;
    private final Sink deliveries;
    private final Event[] events = Fixture.readings().stream()
            .map(reading -> new Event(reading.topic(), Map.of(READING, reading))).toArray(Event[]::new);

    /**
     * @param timeoutOff whether to set {@code org.apache.felix.eventadmin.Timeout=0} (no per-delivery timeout,
     *                   EventAdmin's fastest setting); otherwise its default 5 s timeout applies
     */
    EventAdminFixture(boolean timeoutOff, Sink deliveries) throws Exception {
        this.deliveries = deliveries;
        storage = Files.createTempDirectory("regie-benchmark-felix");
        Map<String, Object> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "org.osgi.service.event;version=1.4.0");
        config.put("felix.log.level", "1");
        if (timeoutOff) {
            config.put("org.apache.felix.eventadmin.Timeout", "0");
        }
        framework = new Felix(config);
        framework.start();
        BundleContext context = framework.getBundleContext();
        try (InputStream bundle = EventAdminFixture.class.getResourceAsStream(BUNDLE_RESOURCE)) {
            if (bundle == null) {
                throw new IllegalStateException(BUNDLE_RESOURCE + " is missing from the benchmark jar");
            }
            Bundle installed = context.installBundle("eventadmin", bundle);
            installed.start();
        }
        ServiceReference<EventAdmin> reference = context.getServiceReference(EventAdmin.class);
        if (reference == null) {
            throw new IllegalStateException("EventAdmin is not available to the benchmark (is org.osgi.service.event"
                    + " wired to the system bundle?)");
        }
        eventAdmin = context.getService(reference);
        for (int i = 0; i < deliveries.subscribers(); i++) {
            int subscriber = i;
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(EventConstants.EVENT_TOPIC, "WasteContainer/*");
            context.registerService(EventHandler.class, event -> deliveries.delivered(subscriber), properties);
        }
    }

    /** Posts the prepared event around reading {@code i % MESSAGES}. */
    @Override
    public void publish(int i) {
        eventAdmin.postEvent(events[i & (MESSAGES - 1)]);
    }

    @Override
    public long[] dropped() {
        return new long[deliveries.subscribers()];
    }

    /** EventAdmin does not say how many events wait; the overload harness counts them from the deliveries. */
    @Override
    public long queued() {
        return -1;
    }

    @Override
    public void stop() throws Exception {
        close();
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
        try (Stream<Path> files = Files.walk(storage)) {
            files.sorted(Comparator.reverseOrder()).forEach(EventAdminFixture::delete);
        }
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            System.err.println("could not delete " + path + ": " + e);
        }
    }
}
