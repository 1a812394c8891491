package nl.regie.runtime.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import nl.regie.api.health.HealthCheck;
import nl.regie.api.health.HealthStatus;
import nl.regie.runtime.spi.lifecycle.PluginBundles;
import nl.regie.runtime.spi.monitor.ScopeMonitor;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Whether a plugin is healthy: its bundle is active, every enabled DS component of it is ACTIVE or SATISFIED (as
 * SCR reports it), and every {@link HealthCheck} service its bundle registers says healthy. A check that throws,
 * or does not answer within {@value #CHECK_TIMEOUT_MILLIS} ms, counts as unhealthy. While it waits for a version just
 * started ({@link #await}), the gate also fails it for good when the runtime refuses it anything for acting outside
 * its declared scope or the operator's grants: a listener whose topics it may not read never gets a reading, yet SCR
 * calls its component ACTIVE.
 */
final class HealthGate {

    /** The longest a health check may take to answer. */
    static final long CHECK_TIMEOUT_MILLIS = 1_000;
    private static final long POLL_MILLIS = 20;

    /**
     * What the gate saw.
     *
     * @param healthy  all is well
     * @param failed   it will not get better by waiting: the bundle is not active or a component failed to activate
     * @param problems what is wrong, one line each
     */
    record Health(boolean healthy, boolean failed, List<String> problems) {

        /** The problems in one line. */
        String reason() {
            return String.join("; ", problems);
        }
    }

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final ExecutorService checks;
    private final Supplier<ScopeMonitor> scopes;

    /**
     * @param checks where health checks run, so a check that blocks cannot block the caller past its timeout
     * @param scopes the refusals of each plugin version, or null while the core's scope guards are not there
     */
    HealthGate(BundleContext context, ServiceComponentRuntime scr, ExecutorService checks,
            Supplier<ScopeMonitor> scopes) {
        this.context = context;
        this.scr = scr;
        this.checks = checks;
        this.scopes = scopes;
    }

    /**
     * The plugin's refusals so far, to be taken before a version of it starts and handed to {@link #await}; empty
     * without the core's scope guards.
     */
    Map<String, Long> refusals(String symbolicName) {
        ScopeMonitor monitor = scopes.get();
        return monitor == null ? Map.of() : monitor.refusalsOf(symbolicName);
    }

    /**
     * Waits until the plugin is healthy, has failed for good, or the deadline has passed, polling.
     *
     * @param before the plugin's {@link #refusals} taken before this version started
     * @return the last health seen; when the deadline passed, its problems say so
     */
    Health await(Bundle bundle, Duration deadline, Map<String, Long> before) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Health health = refusedSince(bundle, before, now(bundle));
            if (health.healthy() || health.failed()) {
                return health;
            }
            if (System.nanoTime() - end >= 0) {
                List<String> problems = new ArrayList<>();
                problems.add("not healthy within " + deadline.toSeconds() + " s");
                problems.addAll(health.problems());
                return new Health(false, true, problems);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The plugin's health now. */
    Health now(Bundle bundle) {
        List<String> problems = new ArrayList<>();
        boolean failed = false;
        if (bundle.getState() != Bundle.ACTIVE) {
            problems.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " is "
                    + PluginBundles.stateName(bundle.getState()));
            failed = bundle.getState() != Bundle.STARTING;
            return new Health(false, failed, problems);
        }
        List<ComponentDescriptionDTO> descriptions = List.copyOf(scr.getComponentDescriptionDTOs(bundle));
        if (descriptions.isEmpty() && bundle.getHeaders("").get("Service-Component") != null) {
            problems.add("its components are not loaded yet");
        }
        for (ComponentDescriptionDTO description : descriptions) {
            if (!scr.isComponentEnabled(description)) {
                if (description.defaultEnabled) {
                    problems.add("component " + description.name + " is disabled");
                }
                continue;
            }
            var configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                problems.add("component " + description.name + " has no configuration yet");
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                String problem = problem(description.name, configuration);
                if (problem != null) {
                    problems.add(problem);
                    failed |= configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION;
                }
            }
        }
        problems.addAll(healthChecks(bundle));
        return new Health(problems.isEmpty(), failed, problems);
    }

    private static String problem(String name, ComponentConfigurationDTO configuration) {
        return switch (configuration.state) {
            case ComponentConfigurationDTO.ACTIVE, ComponentConfigurationDTO.SATISFIED -> null;
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "component " + name + " failed to activate: "
                    + firstLine(configuration.failure);
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "component " + name + " is missing "
                    + Arrays.stream(configuration.unsatisfiedReferences == null ? new UnsatisfiedReferenceDTO[0]
                            : configuration.unsatisfiedReferences)
                            .map(r -> "reference " + r.name + (r.target == null ? "" : " " + r.target)).toList();
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "component " + name
                    + " waits for its configuration";
            default -> "component " + name + " is in state " + configuration.state;
        };
    }

    /** {@code health}, failed for good if the runtime refused the plugin anything since {@code before}. */
    private Health refusedSince(Bundle bundle, Map<String, Long> before, Health health) {
        StringJoiner kinds = new StringJoiner(", ");
        refusals(bundle.getSymbolicName()).forEach((kind, count) -> {
            long since = count - before.getOrDefault(kind, 0L);
            if (since > 0) {
                kinds.add(kind + " " + since);
            }
        });
        if (kinds.length() == 0) {
            return health;
        }
        List<String> problems = new ArrayList<>(health.problems());
        problems.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " was refused for acting outside its"
                + " declared scope or the policy's grants (" + kinds + "; the audit log says what)");
        return new Health(false, true, problems);
    }

    /** What the bundle's own health checks say is wrong. */
    private List<String> healthChecks(Bundle bundle) {
        List<String> problems = new ArrayList<>();
        ServiceReference<?>[] services = bundle.getRegisteredServices();
        if (services == null) {
            return problems;
        }
        for (ServiceReference<?> reference : services) {
            if (Arrays.asList((String[]) reference.getProperty(Constants.OBJECTCLASS)).contains(HealthCheck.class.getName())) {
                String problem = ask(reference);
                if (problem != null) {
                    problems.add(problem);
                }
            }
        }
        return problems;
    }

    /** Asks one health check; null if it says healthy. */
    private String ask(ServiceReference<?> reference) {
        Object name = reference.getProperty("component.name");
        String check = "health check " + (name != null ? name : "service " + reference.getProperty(Constants.SERVICE_ID));
        Object service = context.getService(reference);
        if (service == null) {
            return check + " is not available";
        }
        try {
            if (!(service instanceof HealthCheck healthCheck)) {
                return check + " is not a " + HealthCheck.class.getName() + " this runtime can call (another api version?)";
            }
            Future<HealthStatus> answer = checks.submit(healthCheck::check);
            try {
                HealthStatus status = answer.get(CHECK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                if (status == null) {
                    return check + " answered null";
                }
                return status.healthy() ? null : check + " says: " + status.detail();
            } catch (ExecutionException e) {
                return check + " threw " + e.getCause();
            } catch (TimeoutException e) {
                answer.cancel(true);
                return check + " did not answer within " + CHECK_TIMEOUT_MILLIS + " ms";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return check + " was interrupted";
            }
        } catch (RejectedExecutionException e) {
            return check + " was not asked: the lifecycle is stopping";
        } finally {
            context.ungetService(reference);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "(SCR gives no reason)";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }
}
