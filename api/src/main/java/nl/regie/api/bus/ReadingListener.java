package nl.regie.api.bus;

import nl.regie.api.model.Deletion;
import nl.regie.api.model.Reading;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives readings from the bus. Register an implementation as an OSGi service with the
 * {@value #TOPICS} service property (most easily with {@link ReadingTopics}) and the runtime subscribes it:
 *
 * <pre>{@code
 * @Component
 * @ReadingTopics({"WasteContainer/+/fillingLevel", "WasteContainer/+/temperature"})
 * @PluginScope(reads = "WasteContainer/#")
 * public class BinWatcher implements ReadingListener {
 *     public void onReading(Reading reading) { ... }
 * }
 * }</pre>
 *
 * <p>A listener is called on a thread of its own, one reading at a time, in publish order per entity.
 * A listener that throws is counted; one that throws repeatedly, or takes longer than the runtime's delivery
 * timeout, is quarantined. A service whose {@value #TOPICS} property is missing or malformed is ignored
 * and the problem is logged with the bundle's name, and so is one whose filters the plugin's declared
 * {@link nl.regie.api.scope.PluginScope} {@code reads} do not cover. Within its scope, a plugin receives another
 * party's readings only as the operator's data-sharing policy grants.
 */
@ConsumerType
@FunctionalInterface
public interface ReadingListener {

    /** The service property naming the topic filters a whiteboard listener subscribes to (String or String[]). */
    String TOPICS = "regie.reading.topics";

    /**
     * Called for each reading matching the listener's filters.
     *
     * @param reading the reading
     * @throws Exception to report a failure; it is counted and the next reading is delivered
     */
    void onReading(Reading reading) throws Exception;

    /**
     * Called when an entity, or one attribute of an entity, matching the listener's filters is deleted (an entity
     * deletion matches a filter that matches any attribute of it), in order with the entity's readings. What was
     * deleted is no longer in the city state. The default does nothing, so a listener that keeps no state of its own
     * need not care.
     *
     * @param deletion what was deleted, and by whom
     * @throws Exception to report a failure, counted as for {@link #onReading}
     */
    default void onDelete(Deletion deletion) throws Exception {
        // nothing to forget
    }
}
