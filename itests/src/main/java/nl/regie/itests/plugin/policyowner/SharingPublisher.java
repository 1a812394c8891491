package nl.regie.itests.plugin.policyowner;

import java.util.function.IntConsumer;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The data owner of the policy test: on {@link #accept(int) accept(round)} it publishes, under its own name, two
 * people counters near Dam square, a lamp, a resident's address (marked personal by the test's policy) and age,
 * and last a weather reading whose value is the round, the canary the reader waits for. Offered as an
 * {@code IntConsumer} service (a JDK type) so the test can drive it without sharing a class.
 */
@Component(service = IntConsumer.class, property = "regie.itests.role=policy-owner")
@PluginScope(publishes = {"CrowdFlowObserved/+/peopleCount", "Streetlight/+/illuminanceLevel", "Resident/+/+",
        "WeatherObserved/+/temperature"})
public class SharingPublisher implements IntConsumer {

    /** Dam square. */
    public static final Location DAM = Location.of(4.8924, 52.3731);
    /** About 50 m east of {@link #DAM}: the same 250 m zone. */
    public static final Location NEAR_DAM = Location.of(4.8931, 52.3731);

    /** The symbolic name the test installs this plugin under (PolicyChangeTest.OWNER): the source of what it publishes. */
    public static final String SOURCE = "nl.regie.itests.owner";

    private final ReadingBus bus;

    /** Publishes on its own view of the bus. */
    @Activate
    public SharingPublisher(@Reference ReadingBus bus) {
        this.bus = bus;
    }

    @Override
    public void accept(int round) {
        publish("CrowdFlowObserved", "crowd-a1", "peopleCount", Value.of(100 * round), "count", DAM);
        publish("CrowdFlowObserved", "crowd-a2", "peopleCount", Value.of(50 * round), "count", NEAR_DAM);
        publish("Streetlight", "lamp-a1", "illuminanceLevel", Value.of(0.5), "/", DAM);
        publish("Resident", "r-1", "address", Value.of("Dam 1"), "", null);
        publish("Resident", "r-1", "age", Value.of(40 + round), "a", null);
        publish("WeatherObserved", "w-1", "temperature", Value.of(round), "Cel", null);
    }

    private void publish(String type, String id, String attribute, Value value, String unit, Location location) {
        bus.publish(Reading.of(EntityId.of(type, id), attribute, value, unit, SOURCE).withLocation(location));
    }
}
