package nl.regie.runtime.core.limits;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.api.model.EntityId;

/**
 * What one plugin (by symbolic name) has used of its limits, and its refusals. Thread-safe; the publish path takes no
 * lock: the rate is one compare-and-set (the generic cell rate algorithm, a token bucket kept as one time).
 */
final class PluginUsage {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final String symbolicName;
    /** The time the next reading is due if the plugin publishes at exactly its rate: the token bucket, as one time. */
    private final AtomicLong due = new AtomicLong(Long.MIN_VALUE);
    private final Set<EntityId> created = ConcurrentHashMap.newKeySet();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile int threads;
    private volatile boolean threadsOver;
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    /** "{version} {limit}" of the refusals already logged and audited. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** The limits worked out for the settings last seen: recomputed only when the settings change. */
    private volatile Cached cached;

    private record Cached(LimitSettings settings, LimitValues values) {
    }

    PluginUsage(String symbolicName) {
        this.symbolicName = symbolicName;
    }

    /** The plugin's limits under the settings in force. */
    LimitValues values(LimitSettings settings) {
        Cached now = cached;
        if (now == null || now.settings() != settings) {
            now = new Cached(settings, settings.forPlugin(symbolicName));
            cached = now;
        }
        return now.values();
    }

    /**
     * Counts a reading against the rate, if it fits: at {@code publishPerSecond} on average, and up to
     * {@code publishBurst} at once after a quiet while.
     */
    boolean tryPublish(long now, LimitValues values) {
        long interval = Math.max(1, NANOS_PER_SECOND / values.publishPerSecond());
        long tolerance = interval * (values.publishBurst() - 1L);
        while (true) {
            long current = due.get();
            long start = Math.max(current, now);
            if (start - now > tolerance) {
                return false;
            }
            if (due.compareAndSet(current, start + interval)) {
                return true;
            }
        }
    }

    boolean created(EntityId entity) {
        return created.contains(entity);
    }

    /** Counts an entity the plugin brings in, if it may bring in one more. */
    boolean create(EntityId entity, int limit) {
        if (created.size() >= limit) {
            return false;
        }
        created.add(entity);
        return true;
    }

    int entities() {
        return created.size();
    }

    boolean openSubscription(int limit) {
        while (true) {
            int open = subscriptions.get();
            if (open >= limit) {
                return false;
            }
            if (subscriptions.compareAndSet(open, open + 1)) {
                return true;
            }
        }
    }

    void closeSubscription() {
        subscriptions.decrementAndGet();
    }

    int subscriptions() {
        return subscriptions.get();
    }

    int threads() {
        return threads;
    }

    /** Keeps a thread count; returns whether it has just gone over the limit (it was not over at the last count). */
    boolean threadsCounted(int count, int limit) {
        threads = count;
        boolean over = count > limit;
        boolean wasOver = threadsOver;
        threadsOver = over;
        return over && !wasOver;
    }

    /** Counts a refusal; returns whether it is the first of its limit for this version (to log and audit it). */
    boolean refused(String version, String limit) {
        refusals.computeIfAbsent(limit, l -> new LongAdder()).increment();
        return reported.add(version + ' ' + limit);
    }

    /** Refusals so far by limit, sorted. */
    Map<String, Long> refusals() {
        Map<String, Long> counts = new TreeMap<>();
        refusals.forEach((limit, count) -> counts.put(limit, count.sum()));
        return counts;
    }
}
