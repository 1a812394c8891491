package nl.regie.runtime.core.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * Ends or pauses the delivery threads of {@link Subscriber}s for the {@link BusEngine}: politely first, then with
 * an interrupt, naming in a warning any listener that still does not return.
 */
final class DeliveryThreads {

    /** How long stopping waits for a delivery in progress, first politely, then once more after an interrupt. */
    static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Logger log;

    DeliveryThreads(Logger log) {
        this.log = log;
    }

    /** Stops delivery threads: asks, waits, interrupts, waits again, and names any that still run. */
    void stop(List<Subscriber> subscribers) {
        subscribers.forEach(Subscriber::stop);
        try {
            List<Subscriber> running = awaitStopped(subscribers);
            running.forEach(Subscriber::interrupt);
            for (Subscriber stuck : awaitStopped(running)) {
                log.warn("Bus subscriber {} of bundle {}: its listener does not return, so thread {} keeps running"
                        + " until it does", stuck.id(), stuck.owner(), stuck.threadName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the old listener's delivery in progress when parking: asks, waits, interrupts, waits again. */
    void awaitPaused(Subscriber subscriber, long parkRequest) {
        try {
            if (subscriber.awaitPaused(parkRequest, System.nanoTime() + GRACE_NANOS)) {
                return;
            }
            subscriber.interruptUnlessPaused(parkRequest);
            if (!subscriber.awaitPaused(parkRequest, System.nanoTime() + GRACE_NANOS)) {
                log.warn("Bus subscriber {} of bundle {} is parked but its listener does not return, so thread {} is"
                        + " still in it; the listener that takes it over gets the next reading after that",
                        subscriber.id(), subscriber.owner(), subscriber.threadName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Subscriber> awaitStopped(List<Subscriber> subscribers) throws InterruptedException {
        long deadline = System.nanoTime() + GRACE_NANOS;
        List<Subscriber> running = new ArrayList<>();
        for (Subscriber subscriber : subscribers) {
            if (!subscriber.awaitStopped(deadline)) {
                running.add(subscriber);
            }
        }
        return running;
    }
}
