package nl.regie.itests.plugin.hostile;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A plugin that tries to step outside its declared scope (bins' filling levels in, notes on bins out, commands to
 * bins). The test drives it through a {@code Function<String, String>} service (JDK types only): each attempt's name
 * in, what happened out: {@code done} or {@code refused: <message>}, or a command's final state and reason.
 */
@Component(immediate = true, service = {ReadingListener.class, Function.class},
        property = "regie.itests.role=hostile")
@ReadingTopics("WasteContainer/+/fillingLevel")
@PluginScope(reads = "WasteContainer/+/fillingLevel", publishes = "WasteContainer/+/fillingNote",
        actuates = "WasteContainer")
public class HostilePlugin implements ReadingListener, Function<String, String> {

    /** The symbolic name the test installs it under: the source of what it publishes. */
    public static final String NAME = "nl.regie.itests.hostile";


    private final ReadingBus bus;
    private final Actuation actuation;

    /** Gets this bundle's views of the bus and of actuation. */
    @Activate
    public HostilePlugin(@Reference ReadingBus bus, @Reference Actuation actuation) {
        this.bus = bus;
        this.actuation = actuation;
    }

    @Override
    public void onReading(Reading reading) {
        // within its scope: nothing to do with it
    }

    @Override
    public String apply(String attempt) {
        try {
            switch (attempt) {
                case "publish-outside" -> bus.publish(reading("Streetlight", "lamp-1", "powerState", NAME));
                case "publish-as-another" -> bus.publish(reading("WasteContainer", "bin-h", "fillingNote",
                        "nl.regie.waste"));
                case "publish-inside" -> bus.publish(reading("WasteContainer", "bin-h", "fillingNote", NAME));
                case "subscribe-personal" -> bus.subscribe(List.of("Resident/+/homeAddress"), r -> { });
                case "command-foreign" -> {
                    CommandResult result = actuation.send(Command.of(EntityId.of("Streetlight", "lamp-1"), "dim",
                            Map.of("level", Value.of(0.1)), Instant.now().plusSeconds(5)))
                            .toCompletableFuture().get(5, TimeUnit.SECONDS);
                    return result.state() + ": " + result.reason();
                }
                default -> throw new IllegalArgumentException("unknown attempt " + attempt);
            }
            return "done";
        } catch (SecurityException e) {
            return "refused: " + e.getMessage();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    private static Reading reading(String type, String localId, String attribute, String source) {
        return Reading.of(EntityId.of(type, localId), attribute, Value.of("x"), "", source);
    }
}
