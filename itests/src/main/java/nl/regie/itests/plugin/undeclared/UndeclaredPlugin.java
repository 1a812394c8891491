package nl.regie.itests.plugin.undeclared;

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
import nl.regie.api.state.CityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A plugin that declares no scope at all, and so may do nothing: it listens to bins, and the test asks it through
 * a {@code Function<String, String>} service to publish, subscribe, send a command and count the entities it sees.
 */
@Component(immediate = true, service = {ReadingListener.class, Function.class},
        property = "regie.itests.role=undeclared")
@ReadingTopics("WasteContainer/+/fillingLevel")
public class UndeclaredPlugin implements ReadingListener, Function<String, String> {

    /** The symbolic name the test installs it under: the source of what it publishes. */
    public static final String NAME = "nl.regie.itests.undeclared";


    private final ReadingBus bus;
    private final Actuation actuation;
    private final CityState state;

    /** Gets this bundle's views. */
    @Activate
    public UndeclaredPlugin(@Reference ReadingBus bus, @Reference Actuation actuation, @Reference CityState state) {
        this.bus = bus;
        this.actuation = actuation;
        this.state = state;
    }

    @Override
    public void onReading(Reading reading) {
        throw new IllegalStateException("a plugin without scope received " + reading.topic());
    }

    @Override
    public String apply(String attempt) {
        try {
            switch (attempt) {
                case "publish" -> bus.publish(Reading.of(EntityId.of("WasteContainer", "bin-u"), "fillingLevel",
                        Value.of(0.5), "/", NAME));
                case "subscribe" -> bus.subscribe(List.of("WasteContainer/bin-u/fillingLevel"), r -> { });
                case "command" -> {
                    CommandResult result = actuation.send(Command.of(EntityId.of("WasteContainer", "bin-u"), "empty",
                            Map.of(), Instant.now().plusSeconds(5))).toCompletableFuture().get(5, TimeUnit.SECONDS);
                    return result.state() + ": " + result.reason();
                }
                case "entities" -> {
                    return Integer.toString(state.all().size());
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
}
