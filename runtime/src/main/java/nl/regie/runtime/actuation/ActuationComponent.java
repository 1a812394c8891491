package nl.regie.runtime.actuation;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The actuation service: tracks {@link ActuationDriver} services by the entity types they declare and routes
 * commands to them through a {@link CommandRouter}.
 */
@Component
public class ActuationComponent implements Actuation, CommandCounts {

    /** Ended commands kept for status queries. */
    private static final int RETAINED_RESULTS = 10_000;

    private final DriverRegistry drivers = new DriverRegistry();
    private final ThreadPoolExecutor driverExecutor;
    private final ScheduledExecutorService deadlines;
    private final CommandRouter router;

    private final Logger log;

    /** Starts the driver and deadline threads. */
    @Activate
    public ActuationComponent(@Reference(service = LoggerFactory.class) Logger log) {
        this.log = log;
        AtomicInteger threads = new AtomicInteger();
        driverExecutor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "regie-actuation-driver-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        driverExecutor.allowCoreThreadTimeOut(true);
        deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "regie-actuation-deadlines");
            t.setDaemon(true);
            return t;
        });
        router = new CommandRouter(drivers, new CommandTracker(RETAINED_RESULTS), driverExecutor, deadlines, Clock.systemUTC());
    }

    @Deactivate
    void deactivate() {
        driverExecutor.shutdownNow();
        deadlines.shutdownNow();
        router.failAll("the runtime stopped before the command ended");
    }

    @Override
    public CompletionStage<CommandResult> send(Command command) {
        return router.send(command);
    }

    @Override
    public Optional<CommandResult> status(String commandId) {
        return router.status(commandId);
    }

    @Override
    public Map<CommandState, Long> commandCounts() {
        return router.counts();
    }

    @Reference(service = ActuationDriver.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDriver(ActuationDriver driver, ServiceReference<ActuationDriver> reference) {
        long serviceId = (Long) reference.getProperty(Constants.SERVICE_ID);
        try {
            int ranking = reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
            drivers.add(new DriverRegistry.Entry(driver, serviceId, ranking,
                    DriverRegistry.entityTypes(reference.getProperty(ActuationDriver.ENTITY_TYPES))));
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring actuation driver service {} of bundle {}: {}", serviceId,
                    reference.getBundle().getSymbolicName(), e.getMessage());
        }
    }

    void removeDriver(ServiceReference<ActuationDriver> reference) {
        drivers.remove((Long) reference.getProperty(Constants.SERVICE_ID));
    }
}
