package nl.regie.api.scope;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Attribute;
import org.osgi.annotation.bundle.Capability;

/**
 * What a plugin reads, publishes and actuates. Written once on a component class; the build (bnd) turns it into
 * the plugin's manifest as {@code Provide-Capability: regie.scope;reads:List<String>="...";publishes:...;actuates:...},
 * and the runtime enforces it on the plugin's own {@code ReadingBus}, {@code ReadingListener} subscriptions,
 * {@code Actuation} and {@code CityState}. Several annotated classes in one bundle declare the union.
 *
 * <p><b>Declaring nothing gets nothing.</b> A plugin without this annotation (or with empty elements) cannot
 * publish, subscribe or send a command, and sees no entity in the city state.
 *
 * <p>Topic filters are MQTT style over {@code {EntityType}/{localId}/{attribute}}: {@code +} one level, {@code #}
 * any remaining levels. A subscription's filter is <em>covered</em> when every topic it can match is matched by
 * some filter in {@link #reads()}: {@code WasteContainer/+/fillingLevel} covers {@code WasteContainer/bin-1/fillingLevel}
 * and is covered by {@code WasteContainer/#}, but {@code WasteContainer/+/fillingLevel} does not cover
 * {@code WasteContainer/#}.
 *
 * <p>What is refused: a publish whose topic no {@link #publishes()} filter matches, or whose reading does not name
 * the plugin's symbolic name as its source ({@code SecurityException}); a subscription whose filter is not covered
 * ({@code SecurityException} from {@code subscribe}; a whiteboard listener is not subscribed and a warning is
 * logged); a command on an entity type not in {@link #actuates()} (the command ends REJECTED). Every refusal is
 * written to the runtime's audit log. What a plugin is allowed to read is further limited by the operator's data
 * sharing policy: another party's readings reach it only under a grant.
 *
 * <pre>
 * &#64;Component
 * &#64;ReadingTopics("Streetlight/+/+")
 * &#64;PluginScope(reads = "Streetlight/+/+", actuates = "Streetlight")
 * public class LightingComponent implements ReadingListener { ... }
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE})
@Capability(namespace = PluginScope.NAMESPACE)
public @interface PluginScope {

    /** The capability namespace the scope is written under in the manifest. */
    String NAMESPACE = "regie.scope";

    /** The capability attribute holding {@link #reads()}. */
    String READS = "reads";
    /** The capability attribute holding {@link #publishes()}. */
    String PUBLISHES = "publishes";
    /** The capability attribute holding {@link #actuates()}. */
    String ACTUATES = "actuates";

    /**
     * Topic filters the plugin may subscribe to and read from the city state, such as {@code WasteContainer/#}.
     * Each subscription filter must be covered by these.
     */
    @Attribute(READS)
    String[] reads() default {};

    /** Topic filters of the readings the plugin may publish, such as {@code WasteCollectionRoute/+/+}. */
    @Attribute(PUBLISHES)
    String[] publishes() default {};

    /** Entity types the plugin may send commands to, such as {@code Streetlight}; {@code *} for every type. */
    @Attribute(ACTUATES)
    String[] actuates() default {};
}
