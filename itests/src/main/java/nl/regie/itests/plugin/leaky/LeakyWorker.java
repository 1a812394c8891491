package nl.regie.itests.plugin.leaky;

import nl.regie.api.health.HealthCheck;
import nl.regie.api.health.HealthStatus;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * A plugin that starts a thread and forgets to stop it when it is deactivated: the leak the lifecycle must report.
 * The thread ends when interrupted, so a test can clean up after it.
 */
@Component(immediate = true)
public class LeakyWorker implements HealthCheck {

    /** The name of the thread it forgets. */
    public static final String THREAD_NAME = "itests-leaky-worker";

    @Activate
    void activate() {
        Thread worker = new Thread(LeakyWorker::work, THREAD_NAME);
        worker.setDaemon(true);
        worker.start();
    }

    private static void work() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public HealthStatus check() {
        return HealthStatus.ok();
    }
}
