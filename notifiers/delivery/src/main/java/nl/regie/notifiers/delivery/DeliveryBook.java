package nl.regie.notifiers.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.Notification;

/**
 * What became of each notification on one channel: how many residents it was for, how many messages are still
 * queued (or waiting for a retry), sent (the gateway took them), delivered (a delivery receipt said so) and failed
 * (after every retry, or a receipt said so), with the reasons. Addresses appear only masked. Keeps the last
 * {@value #KEPT} notifications. Thread-safe.
 */
public final class DeliveryBook {

    /** Notifications kept. */
    public static final int KEPT = 500;
    /** Failure reasons kept per notification. */
    static final int REASONS_KEPT = 20;
    /** Gateway message ids remembered, for delivery receipts. */
    static final int GATEWAY_IDS_KEPT = 10_000;

    /**
     * One notification's outcome on this channel.
     *
     * @param notificationId the notification's id
     * @param source         the plugin that sent it
     * @param subject        its subject
     * @param acceptedAt     when this notifier took it
     * @param recipients     residents in its audience
     * @param queued         messages not yet taken by the gateway (waiting, or waiting for a retry)
     * @param sent           messages the gateway took, not (yet) confirmed by a receipt
     * @param delivered      messages a delivery receipt confirmed
     * @param failed         messages that failed: every attempt refused, or a receipt saying so
     * @param retries        attempts that failed and were retried
     * @param failures       why messages failed, each {@code masked-address: reason}, the first {@value #REASONS_KEPT}
     * @param lastFailure    the reason of the last failure, without an address; null when none failed
     */
    public record Outcome(String notificationId, String source, String subject, Instant acceptedAt, int recipients,
            int queued, int sent, int delivered, int failed, int retries, List<String> failures, String lastFailure) {

        /** Copies the list. */
        public Outcome {
            failures = List.copyOf(failures);
        }

        /** Whether nothing more will happen to it: no message queued, and none waiting for a receipt if receipts come. */
        public boolean settled(boolean receipts) {
            return queued == 0 && (!receipts || sent == 0);
        }

        /** As the runtime shows it next to the notification: counts and the last reason, no resident. */
        public DeliveryReport report(String channel) {
            return new DeliveryReport(notificationId, channel, recipients, queued, sent, delivered, failed, lastFailure);
        }
    }

    private static final class Entry {
        final Notification notification;
        final Instant acceptedAt;
        final int recipients;
        int queued;
        int sent;
        int delivered;
        int failed;
        int retries;
        final List<String> failures = new ArrayList<>();
        String lastFailure;
        /** The version of the last outcome told, guarded by {@code telling}. */
        long told;

        Entry(Notification notification, Instant acceptedAt, int recipients) {
            this.notification = notification;
            this.acceptedAt = acceptedAt;
            this.recipients = recipients;
            this.queued = recipients;
        }

        Outcome outcome() {
            return new Outcome(notification.id(), notification.source(), notification.subject(), acceptedAt,
                    recipients, queued, sent, delivered, failed, retries, failures, lastFailure);
        }

        void fail(String masked, String reason) {
            failed++;
            lastFailure = reason;
            if (failures.size() < REASONS_KEPT) {
                failures.add(masked + ": " + reason);
            }
        }
    }

    /** A message the gateway took: its notification and masked recipient, until its receipt comes. */
    private record Sent(String notificationId, String masked) {
    }

    /** A receipt that came before the gateway's answer to the submit was recorded. */
    private record Receipt(boolean delivered, String detail) {
    }

    /** An outcome as it was after one change, with that change's place in the book's order of changes. */
    private record Snapshot(Entry entry, Outcome outcome, long version) {
    }

    private final boolean receipts;
    private final Consumer<Outcome> changed;
    private final Map<String, Entry> entries = lru(KEPT);
    private final Map<String, Sent> byGatewayId = lru(GATEWAY_IDS_KEPT);
    private final Map<String, Receipt> early = lru(1_000);
    /** Counts the changes, under the book's lock, so that outcomes are told in the order they were made. */
    private long changes;
    /** Guards telling, and each entry's {@code told}: never under the book's lock, so a slow listener holds no receipt. */
    private final Object telling = new Object();

    /**
     * @param receipts whether the gateway sends delivery receipts (then a notification settles when every message is
     *                 delivered or failed; else when every message is sent or failed)
     * @param changed  told a notification's outcome each time it changes (to report it, and to log it once it
     *                 {@linkplain Outcome#settled settles}), on the thread that changed it, one at a time and in the
     *                 order of the changes: an outcome that a later one overtook (two threads changing the same
     *                 notification at once, the gateway's answer and a receipt) is not told after it
     */
    public DeliveryBook(boolean receipts, Consumer<Outcome> changed) {
        this.receipts = receipts;
        this.changed = changed;
    }

    /** Whether the gateway sends delivery receipts. */
    public boolean receipts() {
        return receipts;
    }

    /** A notification taken for {@code recipients} residents, each message now queued. */
    public void accepted(Notification notification, Instant at, int recipients) {
        Entry entry = new Entry(notification, at, recipients);
        Snapshot outcome;
        synchronized (this) {
            entries.put(notification.id(), entry);
            outcome = snapshot(entry);
        }
        tell(outcome);
    }

    /** One message's attempt failed and will be retried. */
    public synchronized void retrying(String notificationId) {
        Entry entry = entries.get(notificationId);
        if (entry != null) {
            entry.retries++;
        }
    }

    /** The gateway took one message; {@code gatewayId} is its id there (for receipts), or null. */
    public void sent(String notificationId, Contact to, String gatewayId) {
        Snapshot done;
        synchronized (this) {
            Entry entry = entries.get(notificationId);
            if (entry == null) {
                return;
            }
            entry.queued--;
            entry.sent++;
            if (receipts && gatewayId != null) {
                Receipt receipt = early.remove(gatewayId);
                if (receipt == null) {
                    byGatewayId.put(gatewayId, new Sent(notificationId, to.masked()));
                } else {
                    apply(entry, to.masked(), receipt);
                }
            }
            done = snapshot(entry);
        }
        tell(done);
    }

    /** One message failed for good ({@code reason} already free of addresses in clear). */
    public void failed(String notificationId, Contact to, String reason) {
        Snapshot done;
        synchronized (this) {
            Entry entry = entries.get(notificationId);
            if (entry == null) {
                return;
            }
            entry.queued--;
            entry.fail(to.masked(), reason);
            done = snapshot(entry);
        }
        tell(done);
    }

    /**
     * A delivery receipt for the gateway's message {@code gatewayId}.
     *
     * @param delivered whether it reached the phone
     * @param detail    the receipt's state and error, for a failure's reason
     * @return whether the message was known (else it is kept for a while, in case the submit's answer is late)
     */
    public boolean receipt(String gatewayId, boolean delivered, String detail) {
        Snapshot done = null;
        synchronized (this) {
            Sent sent = byGatewayId.remove(gatewayId);
            if (sent == null) {
                early.put(gatewayId, new Receipt(delivered, detail));
                return false;
            }
            Entry entry = entries.get(sent.notificationId());
            if (entry != null) {
                apply(entry, sent.masked(), new Receipt(delivered, detail));
                done = snapshot(entry);
            }
        }
        tell(done);
        return true;
    }

    /** The outcome of one notification, or null when it is not (or no longer) kept. */
    public synchronized Outcome outcome(String notificationId) {
        Entry entry = entries.get(notificationId);
        return entry == null ? null : entry.outcome();
    }

    /** The kept outcomes, newest first. */
    public synchronized List<Outcome> outcomes() {
        List<Outcome> all = new ArrayList<>(entries.size());
        entries.values().forEach(e -> all.add(e.outcome()));
        Collections.reverse(all);
        return all;
    }

    private static void apply(Entry entry, String masked, Receipt receipt) {
        entry.sent--;
        if (receipt.delivered()) {
            entry.delivered++;
        } else {
            entry.fail(masked, "receipt: " + receipt.detail());
        }
    }

    /** The entry's outcome now, numbered. Called under the book's lock. */
    private Snapshot snapshot(Entry entry) {
        return new Snapshot(entry, entry.outcome(), ++changes);
    }

    /** Tells the outcome, unless a later one of the same notification was told already. */
    private void tell(Snapshot snapshot) {
        if (snapshot == null) {
            return;
        }
        synchronized (telling) {
            if (snapshot.version() <= snapshot.entry().told) {
                return;
            }
            snapshot.entry().told = snapshot.version();
            changed.accept(snapshot.outcome());
        }
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
