package nl.regie.itests.plugin.configured;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A plugin configured the way the contract asks: a typed configuration with a metatype (a range, a whole number, a
 * list) and an {@code @Modified} method, so a change applies to the running instance. It offers what it runs with as
 * a {@code Supplier<Map<String, Object>>} service (JDK types only, so the test reads it without sharing a class):
 * the values, how often {@code @Modified} was called, and an id of this instance. Immediate, so that the instance
 * lives on between two looks at it (a delayed component would be disposed when the test releases the service).
 */
@Component(immediate = true, configurationPid = ConfiguredComponent.PID, service = Supplier.class,
        property = "regie.itests.role=configured")
@Designate(ocd = ConfiguredComponent.Config.class)
public class ConfiguredComponent implements Supplier<Map<String, Object>> {

    /** The configuration PID. */
    public static final String PID = "nl.regie.itests.configured";

    /** The configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie itests: configured plugin")
    public @interface Config {

        /** A share, 0 to 1. */
        @AttributeDefinition(name = "Full threshold", description = "A bin is full from this filling level on.",
                min = "0", max = "1")
        double full_threshold() default 0.8;

        /** A whole number, 1 to 100. */
        @AttributeDefinition(name = "Batch size", description = "How many at once.", min = "1", max = "100")
        int batch_size() default 10;

        /** A list. */
        @AttributeDefinition(name = "Depots", description = "Depot names.", required = false)
        String[] depots() default {};
    }

    private final String instance = UUID.randomUUID().toString();
    private final AtomicInteger modifications = new AtomicInteger();
    private volatile Config config;

    /** Starts with the configuration (or the defaults). */
    @Activate
    public ConfiguredComponent(Config config) {
        this.config = config;
    }

    @Modified
    void modified(Config changed) {
        this.config = changed;
        modifications.incrementAndGet();
    }

    @Override
    public Map<String, Object> get() {
        Config c = config;
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("full.threshold", c.full_threshold());
        state.put("batch.size", c.batch_size());
        state.put("depots", List.of(c.depots()));
        state.put("modified", modifications.get());
        state.put("instance", instance);
        return state;
    }
}
