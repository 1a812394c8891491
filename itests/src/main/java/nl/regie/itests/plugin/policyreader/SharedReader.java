package nl.regie.itests.plugin.policyreader;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Component;

/**
 * The reader of the policy test, acting for another party than the owner: subscribes within its declared scope to
 * everything the owner publishes and offers what reached it as {@code Supplier<List<String>>} (a JDK type), one
 * line per reading: {@code topic=value@lon,lat} ({@code @-} without location).
 */
@Component(service = {ReadingListener.class, Supplier.class}, property = "regie.itests.role=policy-reader")
@ReadingTopics({"CrowdFlowObserved/+/peopleCount", "Streetlight/+/illuminanceLevel", "Resident/+/+",
        "WeatherObserved/+/temperature"})
@PluginScope(reads = {"CrowdFlowObserved/+/peopleCount", "Streetlight/+/illuminanceLevel", "Resident/+/+",
        "WeatherObserved/+/temperature"})
public class SharedReader implements ReadingListener, Supplier<List<String>> {

    private final List<String> received = new CopyOnWriteArrayList<>();

    @Override
    public void onReading(Reading reading) {
        String where = reading.location() == null ? "-"
                : String.format(Locale.ROOT, "%.6f,%.6f", reading.location().longitude(), reading.location().latitude());
        received.add(reading.topic() + "=" + reading.value().asObject() + "@" + where);
    }

    @Override
    public List<String> get() {
        return List.copyOf(received);
    }
}
