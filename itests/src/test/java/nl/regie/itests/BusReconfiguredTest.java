package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;

import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import nl.regie.runtime.spi.bus.RuntimeBus;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The bus's configuration changes while Regie runs, and nothing restarts: every part of the runtime holds the bus, so
 * reactivating it (as it was before it took changes in place) unregistered and registered again nearly every service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BusReconfiguredTest extends RegieTestSupport {

    private static final String BUS_PID = "nl.regie.runtime.bus";

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @After
    public void defaultBus() throws Exception {
        configAdmin.getConfiguration(BUS_PID, "?").delete();
    }

    @Test
    public void aChangedBusConfigurationTakesEffectWithoutUnregisteringAnything() throws Exception {
        ServiceReference<RuntimeBus> bus = context.getServiceReference(RuntimeBus.class);
        List<String> gone = new CopyOnWriteArrayList<>();
        ServiceListener watch = event -> {
            if (event.getType() == ServiceEvent.UNREGISTERING) {
                ServiceReference<?> ref = event.getServiceReference();
                gone.add(ref.getProperty("component.name") + " " + List.of((String[]) ref.getProperty("objectClass")));
            }
        };
        context.addServiceListener(watch);
        try {
            Hashtable<String, Object> settings = new Hashtable<>();
            settings.put("deliveryTimeoutMillis", 1234L);
            settings.put("queueCapacity", 77);
            configAdmin.getConfiguration(BUS_PID, "?").update(settings);
            await("the bus has its new configuration", () -> {
                ServiceReference<RuntimeBus> now = context.getServiceReference(RuntimeBus.class);
                return now != null && Long.valueOf(1234L).equals(now.getProperty("deliveryTimeoutMillis"));
            }, () -> context.getServiceReference(RuntimeBus.class));

            assertEquals("nothing was unregistered", List.of(), gone);
            assertEquals(bus.getProperty(Constants.SERVICE_ID),
                    context.getServiceReference(RuntimeBus.class).getProperty(Constants.SERVICE_ID));
        } finally {
            context.removeServiceListener(watch);
        }
    }
}
