package nl.regie.runtime.web.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.lifecycle.PluginBundles;
import nl.regie.runtime.spi.lifecycle.RuntimeBundles;
import nl.regie.runtime.spi.monitor.BusMonitor;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * What the runtime knows about its plugins (the bundles {@link PluginBundles} counts as plugins): their state,
 * their DS components (with the failure text when activation failed) and their bus subscriptions with their counters.
 * Made by the servlets that need it, from their own references.
 */
final class PluginInventory {

    private final BundleContext context;
    private final BusMonitor bus;
    private final ServiceComponentRuntime scr;

    /** Reads the framework, the bus monitor and SCR. */
    PluginInventory(BundleContext context, BusMonitor bus, ServiceComponentRuntime scr) {
        this.context = context;
        this.bus = bus;
        this.scr = scr;
    }

    /** One DS component configuration of a plugin. */
    record ComponentView(String name, String state, String failure) {
    }

    /** One plugin. */
    record PluginView(String symbolicName, String version, long bundleId, String state, String location,
            List<ComponentView> components, List<SubscriberInfo> subscriptions) {

        /**
         * Whether the plugin is active with every component active (or satisfied, for delayed ones) and no
         * subscription quarantined: exactly when it has no {@link #problems()}, so that {@code /api/plugins} and
         * {@code /health} agree.
         */
        boolean healthy() {
            return problems().isEmpty();
        }

        /** What is wrong with the plugin, in one line each; empty when healthy. */
        List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (!state.equals("ACTIVE")) {
                problems.add(symbolicName + " " + version + " is " + state
                        + (state.equals("INSTALLED") ? " (its imports do not resolve; the log names the missing requirement)" : ""));
            }
            for (ComponentView c : components) {
                if (!c.state().equals("ACTIVE") && !c.state().equals("SATISFIED")) {
                    problems.add(symbolicName + " component " + c.name() + " is " + c.state()
                            + (c.failure().isEmpty() ? "" : ": " + c.failure()));
                }
            }
            for (SubscriberInfo s : subscriptions) {
                if (s.state() == SubscriberInfo.State.QUARANTINED) {
                    problems.add(symbolicName + " subscription " + s.topicFilters() + " is quarantined: " + s.lastFailure());
                }
            }
            return problems;
        }
    }

    /** Every plugin, by symbolic name. */
    List<PluginView> plugins() {
        Map<Long, List<SubscriberInfo>> subscriptions = new LinkedHashMap<>();
        for (SubscriberInfo s : bus.subscribers()) {
            subscriptions.computeIfAbsent(s.bundleId(), id -> new ArrayList<>()).add(s);
        }
        List<PluginView> plugins = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (PluginBundles.isPlugin(bundle, RuntimeBundles.of(context))) {
                plugins.add(new PluginView(bundle.getSymbolicName(), bundle.getVersion().toString(), bundle.getBundleId(),
                        PluginBundles.stateName(bundle.getState()), bundle.getLocation(), components(bundle),
                        subscriptions.getOrDefault(bundle.getBundleId(), List.of())));
            }
        }
        plugins.sort(Comparator.comparing(PluginView::symbolicName, Comparator.nullsFirst(Comparator.naturalOrder())));
        return plugins;
    }

    private List<ComponentView> components(Bundle bundle) {
        List<ComponentView> views = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            if (!scr.isComponentEnabled(description)) {
                views.add(new ComponentView(description.name, "DISABLED", ""));
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                views.add(new ComponentView(description.name, componentState(configuration.state),
                        configuration.failure == null ? "" : firstLine(configuration.failure)));
            }
        }
        return views;
    }

    static String componentState(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "UNKNOWN(" + state + ")";
        };
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }
}
