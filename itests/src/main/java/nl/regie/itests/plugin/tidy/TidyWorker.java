package nl.regie.itests.plugin.tidy;

import nl.regie.api.health.HealthCheck;
import nl.regie.api.health.HealthStatus;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/** A plugin that starts a thread and stops it when deactivated, as every plugin should. */
@Component(immediate = true)
public class TidyWorker implements HealthCheck {

    /** The name of its thread. */
    public static final String THREAD_NAME = "itests-tidy-worker";

    private Thread worker;

    @Activate
    void activate() {
        worker = new Thread(TidyWorker::work, THREAD_NAME);
        worker.setDaemon(true);
        worker.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.interrupt();
        worker.join(5_000);
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
