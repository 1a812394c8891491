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

import nl.regie.api.model.Reading;

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
 * {@link EventAdmin#postEvent}. Each publish wraps the prepared reading in a new {@link Event} (topic
 * {@code {EntityType}/{localId}/{attribute}}, the reading as its one property): an Event is immutable and
 * carries one message, so that is the least a publisher of readings through EventAdmin has to do. The handlers are registered from the system bundle, which exports
 * {@code org.osgi.service.event} from the class path so the EventAdmin bundle and the benchmark share it.
 */
final class EventAdminFixture implements Fixture {

    private static final String BUNDLE_RESOURCE = "/bundles/org.apache.felix.eventadmin.jar";
    private static final String READING = "reading";

    private final Path storage;
    private final Felix framework;
    private final EventAdmin eventAdmin;
    private final Reading[] readings = Fixture.readings().toArray(Reading[]::new);

    /**
     * @param timeoutOff whether to set {@code org.apache.felix.eventadmin.Timeout=0} (no per-delivery timeout,
     *                   EventAdmin's fastest setting); otherwise its default 5 s timeout applies
     */
    EventAdminFixture(boolean timeoutOff, Deliveries deliveries) throws Exception {
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

    /** Wraps the reading in the event EventAdmin needs, as a publisher of readings through EventAdmin must. */
    @Override
    public void publish(int i) {
        Reading reading = readings[i & (MESSAGES - 1)];
        eventAdmin.postEvent(new Event(reading.topic(), Map.of(READING, reading)));
    }

    @Override
    public void stop() throws Exception {
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
