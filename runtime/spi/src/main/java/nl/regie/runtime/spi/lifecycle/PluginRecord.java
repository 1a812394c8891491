package nl.regie.runtime.spi.lifecycle;

import java.util.List;

/**
 * A plugin as the lifecycle knows it.
 *
 * @param symbolicName    its symbolic name
 * @param version         the version running
 * @param bundleId        the framework's bundle id
 * @param state           the bundle state (ACTIVE, RESOLVED, INSTALLED, ...)
 * @param healthy         whether its components are active and its health checks pass
 * @param problems        what is wrong when not healthy (component failures, health check details)
 * @param previousVersion the version a rollback would go back to, or null
 * @param busy            whether an operation on it is under way
 * @param leaks           what its earlier versions left behind, if anything (see {@link Outcome#leaks()})
 * @param lastOutcome     the last operation's outcome, or null
 */
public record PluginRecord(String symbolicName, String version, long bundleId, String state, boolean healthy,
        List<String> problems, String previousVersion, boolean busy, List<String> leaks, Outcome lastOutcome) {
}
