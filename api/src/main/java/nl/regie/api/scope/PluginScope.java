package nl.regie.api.scope;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Attribute;
import org.osgi.annotation.bundle.Capability;

/**
 * What a plugin reads, publishes and actuates, and which services others trust it registers. Written once on a
 * component class; the build (bnd) turns it into the plugin's manifest as
 * {@code Provide-Capability: regie.scope;reads:List<String>="...";publishes:...;actuates:...;drives:...}, and the
 * runtime enforces it on the plugin's own {@code ReadingBus}, {@code ReadingListener} subscriptions,
 * {@code Actuation} and {@code CityState}, and on the {@code ActuationDriver}, {@code Notifier} and HTTP whiteboard
 * services it registers. Several annotated classes in one bundle declare the union.
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
 * <p><b>Services others trust need the operator's grant too.</b> An {@code ActuationDriver} receives the commands
 * for its entity types, a {@code Notifier} every notification it is given, and an HTTP servlet, filter or context
 * sees requests, their tokens included. So a plugin that registers one declares it here ({@link #drives()},
 * {@link #notifies()}, {@link #serves()}) <em>and</em> the operator's policy must grant the same (its
 * {@code services} rules). A registration outside either is ignored: the runtime never calls the driver or the
 * notifier, the HTTP server never sees the servlet, and a log line and the audit log name the plugin and why.
 *
 * <p>Each plugin also has limits the operator sets (readings published per second, entities it creates,
 * subscriptions, threads); past one, the call is refused with a {@link LimitExceededException} naming the limit.
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
    /** The capability attribute holding {@link #drives()}. */
    String DRIVES = "drives";
    /** The capability attribute holding {@link #notifies()}. */
    String NOTIFIES = "notifies";
    /** The capability attribute holding {@link #serves()}. */
    String SERVES = "serves";

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

    /**
     * Entity types the plugin's {@code ActuationDriver} services carry out commands for, such as {@code FloodGate};
     * {@code *} for every type. A driver service whose {@code regie.driver.entity.types} name a type outside this
     * list, or outside what the operator's policy grants the plugin, is ignored.
     */
    @Attribute(DRIVES)
    String[] drives() default {};

    /**
     * The parties whose notifications the plugin's {@code Notifier} services may deliver, such as
     * {@code waterboard}; {@code *} for every party (the operator's policy names the parties and grants which). A
     * notifier receives a notification only when the party of the plugin that sent it is both declared here and
     * granted; one granted nothing is ignored.
     */
    @Attribute(NOTIFIES)
    String[] notifies() default {};

    /**
     * The URL paths the plugin's HTTP whiteboard servlets, filters, resources and its own servlet context may
     * serve, each a path prefix such as {@code /acme} (which covers {@code /acme} and everything below it); {@code /}
     * for every path, which a preprocessor, a listener or an error page of the default context, a filter by regex
     * or by servlet name and an extension pattern such as {@code *.jsp} need. A plugin's own servlet context must be
     * named by the plugin's symbolic name; its servlets select it with
     * {@code osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=<symbolic name>)}. What is
     * outside these paths, or outside what the operator's policy grants, is kept from the HTTP server.
     */
    @Attribute(SERVES)
    String[] serves() default {};
}
