package nl.regie.api.actuation;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Carries out commands for some entity types, for example by sending them to devices over MQTT.
 * Register an implementation as an OSGi service with the {@value #ENTITY_TYPES} property, most easily with
 * {@link DriverEntityTypes}. When several drivers claim one type, the one with the highest service ranking wins.
 *
 * <p>The runtime enforces the command's deadline: a stage that has not completed by then ends the command
 * EXPIRED, and a later completion is ignored. A driver that throws or completes exceptionally ends it FAILED.
 */
@ConsumerType
@FunctionalInterface
public interface ActuationDriver {

    /** The service property naming the entity types a driver handles (String or String[]). */
    String ENTITY_TYPES = "regie.driver.entity.types";

    /**
     * Executes a command.
     *
     * @param command the command, already validated
     * @return a stage completing with a final result (COMPLETED, REJECTED or FAILED)
     */
    CompletionStage<CommandResult> execute(Command command);
}
