package nl.regie.runtime.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Whether the configurations of some PIDs, applied by the folder, are in force: asked of the component runtime, whose
 * view of each component carries the configuration's properties, the folder's {@value ConfigAdminStore#FILE_PROPERTY}
 * among them. A component counts as waiting while it could run but does not yet run on its file:
 * <ul>
 * <li>it requires a configuration and has none yet;</li>
 * <li>an immediate component is not active with the file's properties (one that is satisfied is between a
 * deactivation and its activation on the new configuration);</li>
 * <li>a delayed component is satisfied or active without them.</li>
 * </ul>
 * A component that is disabled, lacks a reference or failed to activate is not waited for: the file cannot change that.
 */
final class InForceCheck {

    private final ServiceComponentRuntime scr;

    InForceCheck(ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    /** The components that still wait for one of {@code pids}, as {@code name (pid)}; empty when all are in force. */
    List<String> waiting(Set<String> pids) {
        List<String> waiting = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            String pid = configuredBy(description, pids);
            if (pid == null || "ignore".equals(description.configurationPolicy) || !scr.isComponentEnabled(description)) {
                continue;
            }
            if (waits(description, scr.getComponentConfigurationDTOs(description))) {
                waiting.add(description.name + " (" + pid + ")");
            }
        }
        return waiting;
    }

    private static String configuredBy(ComponentDescriptionDTO description, Set<String> pids) {
        return description.configurationPid == null ? null
                : Arrays.stream(description.configurationPid).filter(pids::contains).findFirst().orElse(null);
    }

    static boolean waits(ComponentDescriptionDTO description, Collection<ComponentConfigurationDTO> configurations) {
        if (configurations.isEmpty()) {
            return "require".equals(description.configurationPolicy);
        }
        for (ComponentConfigurationDTO configuration : configurations) {
            boolean fromFile = configuration.properties != null
                    && configuration.properties.get(ConfigAdminStore.FILE_PROPERTY) != null;
            boolean running = configuration.state == ComponentConfigurationDTO.ACTIVE
                    || (!description.immediate && configuration.state == ComponentConfigurationDTO.SATISFIED);
            boolean between = description.immediate && configuration.state == ComponentConfigurationDTO.SATISFIED;
            if (between || (running && !fromFile)) {
                return true;
            }
        }
        return false;
    }
}
