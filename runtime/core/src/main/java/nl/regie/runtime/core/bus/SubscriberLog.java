package nl.regie.runtime.core.bus;

import java.util.concurrent.TimeUnit;

import nl.regie.runtime.spi.bus.Owner;

import org.osgi.service.log.Logger;

/**
 * The warnings of one {@link Subscriber}: failure warnings rate-limited (a listener that fails on every reading
 * must not flood the log), and every warning shielded from a log service that is going away, which must not end
 * the delivery thread, the watchdog or a publisher.
 */
final class SubscriberLog {

    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    /** Guards the rate limit. */
    private final Object lock = new Object();
    private boolean failureLogged;
    private long failureLoggedAtNanos;
    private long unloggedFailures;

    SubscriberLog(Logger log) {
        this.log = log;
    }

    /** Logs a failed delivery, unless one was logged less than the interval ago; then it is only counted. */
    void failure(long id, Owner owner, String message, Throwable cause) {
        long now = System.nanoTime();
        long suppressed;
        synchronized (lock) {
            if (failureLogged && now - failureLoggedAtNanos < FAILURE_LOG_INTERVAL_NANOS) {
                unloggedFailures++;
                return;
            }
            failureLogged = true;
            failureLoggedAtNanos = now;
            suppressed = unloggedFailures;
            unloggedFailures = 0;
        }
        String more = suppressed == 0 ? "" : " (" + suppressed + " earlier failures not logged)";
        if (cause == null) {
            warn("Bus subscriber {} of bundle {} failed: {}{}", id, owner, message, more);
        } else {
            warn("Bus subscriber {} of bundle {} failed: {}{}", id, owner, message, more, cause);
        }
    }

    void warn(String format, Object... arguments) {
        try {
            log.warn(format, arguments);
        } catch (RuntimeException e) {
            // A log service that is going away must not end the delivery thread or the watchdog.
        }
    }
}
