package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.promise.Promise;

class InForceCheckTest {

    private static final String PID = "nl.regie.runtime.federation";
    private static final String FILE = "/etc/regie/nl.regie.runtime.federation.cfg";

    private final Components scr = new Components();
    private final InForceCheck check = new InForceCheck(scr);

    @Test
    void anImmediateComponentOnItsDefaultsWaitsUntilItIsActiveOnTheFile() {
        ComponentDescriptionDTO federation = scr.describe("federation", "optional", true, PID);
        scr.configure(federation, ComponentConfigurationDTO.ACTIVE, null);
        assertEquals(List.of("federation (" + PID + ")"), check.waiting(Set.of(PID)));

        // SCR took the new properties and deactivated it: not yet registered again on them.
        scr.configure(federation, ComponentConfigurationDTO.SATISFIED, FILE);
        assertEquals(List.of("federation (" + PID + ")"), check.waiting(Set.of(PID)));

        scr.configure(federation, ComponentConfigurationDTO.ACTIVE, FILE);
        assertEquals(List.of(), check.waiting(Set.of(PID)));
    }

    @Test
    void aComponentThatRequiresItsConfigurationWaitsWhileItHasNone() {
        ComponentDescriptionDTO access = scr.describe("access", "require", false, PID);
        assertEquals(List.of("access (" + PID + ")"), check.waiting(Set.of(PID)));
        scr.configure(access, ComponentConfigurationDTO.SATISFIED, FILE);
        assertEquals(List.of(), check.waiting(Set.of(PID)), "a delayed component is satisfied until someone uses it");
    }

    @Test
    void whatTheFileCannotHelpIsNotWaitedFor() {
        ComponentDescriptionDTO lacking = scr.describe("lacking", "optional", true, PID);
        scr.configure(lacking, ComponentConfigurationDTO.UNSATISFIED_REFERENCE, null);
        ComponentDescriptionDTO failed = scr.describe("failed", "optional", true, PID);
        scr.configure(failed, ComponentConfigurationDTO.FAILED_ACTIVATION, FILE);
        ComponentDescriptionDTO disabled = scr.describe("disabled", "optional", true, PID);
        scr.configure(disabled, ComponentConfigurationDTO.ACTIVE, null);
        scr.disabled.add(disabled);
        ComponentDescriptionDTO ignoring = scr.describe("ignoring", "ignore", true, PID);
        scr.configure(ignoring, ComponentConfigurationDTO.ACTIVE, null);
        ComponentDescriptionDTO other = scr.describe("other", "optional", true, "com.example.other");
        scr.configure(other, ComponentConfigurationDTO.ACTIVE, null);
        assertEquals(List.of(), check.waiting(Set.of(PID)));
    }

    @Test
    void aComponentWithSeveralPidsIsNamedWithTheOneItWaitsFor() {
        ComponentDescriptionDTO both = scr.describe("both", "optional", false, "com.example.shared", PID);
        scr.configure(both, ComponentConfigurationDTO.ACTIVE, null);
        assertEquals(List.of("both (" + PID + ")"), check.waiting(Set.of(PID)));
        assertEquals(List.of(), check.waiting(Set.of()));
    }

    /** The component runtime's view, as plain DTOs. */
    private static final class Components implements ServiceComponentRuntime {

        final List<ComponentDescriptionDTO> descriptions = new ArrayList<>();
        final Map<ComponentDescriptionDTO, List<ComponentConfigurationDTO>> configurations = new HashMap<>();
        final List<ComponentDescriptionDTO> disabled = new ArrayList<>();

        ComponentDescriptionDTO describe(String name, String policy, boolean immediate, String... pids) {
            ComponentDescriptionDTO description = new ComponentDescriptionDTO();
            description.name = name;
            description.configurationPolicy = policy;
            description.immediate = immediate;
            description.configurationPid = pids;
            descriptions.add(description);
            return description;
        }

        void configure(ComponentDescriptionDTO description, int state, String file) {
            ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
            configuration.description = description;
            configuration.state = state;
            configuration.properties = file == null ? Map.of("component.name", description.name)
                    : Map.of("component.name", description.name, ConfigAdminStore.FILE_PROPERTY, file);
            configurations.put(description, List.of(configuration));
        }

        @Override
        public Collection<ComponentDescriptionDTO> getComponentDescriptionDTOs(Bundle... bundles) {
            return descriptions;
        }

        @Override
        public ComponentDescriptionDTO getComponentDescriptionDTO(Bundle bundle, String name) {
            return descriptions.stream().filter(d -> d.name.equals(name)).findFirst().orElse(null);
        }

        @Override
        public Collection<ComponentConfigurationDTO> getComponentConfigurationDTOs(ComponentDescriptionDTO description) {
            return configurations.getOrDefault(description, List.of());
        }

        @Override
        public boolean isComponentEnabled(ComponentDescriptionDTO description) {
            return !disabled.contains(description);
        }

        @Override
        public Promise<Void> enableComponent(ComponentDescriptionDTO description) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Promise<Void> disableComponent(ComponentDescriptionDTO description) {
            throw new UnsupportedOperationException();
        }
    }
}
