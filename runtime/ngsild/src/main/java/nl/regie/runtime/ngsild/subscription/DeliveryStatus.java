package nl.regie.runtime.ngsild.subscription;

import java.time.Instant;

/**
 * What became of one subscription's notifications since the runtime started (clause 5.2.12's NotificationParams):
 * sent, failed (after its retries), dropped because the endpoint's queue was full, skipped by throttling. Kept in
 * memory only; thread-safe.
 */
public final class DeliveryStatus {

    private long timesSent;
    private long timesFailed;
    private long dropped;
    private long throttled;
    private Instant lastNotification;
    private Instant lastFailure;
    private Instant lastSuccess;
    private String lastError;
    private Instant lastQueued = Instant.EPOCH;

    /** A notification reached its endpoint. */
    public synchronized void sent(Instant at) {
        timesSent++;
        lastNotification = at;
        lastSuccess = at;
    }

    /** A notification failed after its last attempt. */
    public synchronized void failed(Instant at, String error) {
        timesSent++;
        timesFailed++;
        lastNotification = at;
        lastFailure = at;
        lastError = error;
    }

    /** A change could not be matched (a caller's pattern past its bound): counted as a failure, nothing sent. */
    public synchronized void refused(Instant at, String error) {
        timesFailed++;
        lastFailure = at;
        lastError = error;
    }

    /** A notification was dropped: its endpoint's queue was full. */
    public synchronized void dropped() {
        dropped++;
    }

    /**
     * Whether a notification may be queued at {@code now} under a throttling of {@code seconds}; if so, {@code now}
     * counts as the last one queued, if not it is counted as throttled.
     */
    public synchronized boolean admit(Instant now, int seconds) {
        if (seconds > 0 && now.isBefore(lastQueued.plusSeconds(seconds))) {
            throttled++;
            return false;
        }
        lastQueued = now;
        return true;
    }

    /** A copy of the counters. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(timesSent, timesFailed, dropped, throttled, lastNotification, lastFailure, lastSuccess,
                lastError);
    }

    /** The counters at one moment. */
    public record Snapshot(long timesSent, long timesFailed, long dropped, long throttled, Instant lastNotification,
            Instant lastFailure, Instant lastSuccess, String lastError) {

        /** {@code ok} unless the last notification failed. */
        public String status() {
            return lastFailure != null && (lastSuccess == null || lastFailure.isAfter(lastSuccess)) ? "failed" : "ok";
        }
    }
}
