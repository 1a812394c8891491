package nl.regie.runtime.config;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.runtime.spi.policy.AccessPolicy;

import org.osgi.service.log.Logger;

/**
 * Keeps what the folder applied as its files say, whoever changes it through ConfigurationAdmin: a configuration the
 * folder applied from a file that now holds other values, is deleted, or is bound to one bundle, gets the file's
 * values back at once; a configuration of one of the {@link #FILE_ONLY} PIDs that no file applied is deleted. Each is
 * logged, counted and handed to the {@link Alarm} (the audit log and one of the runtime's alerts), the first time
 * per PID and then at most once every {@link #REPORT_EVERY} with how many were put back meanwhile, so a plugin that
 * keeps rewriting one does not fill the log. ConfigurationAdmin does not say who made a change.
 *
 * <p>Called on the folder's thread only, like {@link ConfigFolder}.
 */
final class ConfigGuard {

    /**
     * The runtime's PIDs that only a file of the folder may configure, with or without one in the folder: the data
     * sharing policy, the HTTP access tokens and the per-plugin limits. Without a file each has its built-in default.
     */
    static final Set<String> FILE_ONLY = Set.of(AccessPolicy.PID, "nl.regie.runtime.access", "nl.regie.runtime.limits");

    /** How often a PID changed again and again is reported at most. */
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);

    /** Told of each change put back (throttled as above). */
    interface Alarm {
        /**
         * A configuration was changed behind the folder's back and has been put back.
         *
         * @param pid    the PID
         * @param detail what was changed and what was done, one sentence
         */
        void changed(String pid, String detail);

        /** The operator has applied the PID's file anew: the earlier change is dealt with. */
        void resolved(String pid);
    }

    private final ConfigFolder.Store store;
    private final Alarm alarm;
    private final Logger log;
    private final Clock clock;
    private final Map<String, LongAdder> putBack = new ConcurrentHashMap<>();
    private final Map<String, Instant> reportedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> reportedCount = new ConcurrentHashMap<>();

    ConfigGuard(ConfigFolder.Store store, Alarm alarm, Logger log, Clock clock) {
        this.store = store;
        this.alarm = alarm;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Puts the file's values back if ConfigAdmin holds anything else for the PID.
     *
     * @param owner   the file, as the mark names it
     * @param shown   the file, as messages name it
     * @param applied what the folder applied from it
     * @return whether it put them back
     */
    boolean keep(String pid, String owner, String shown, Map<String, Object> applied) {
        String difference;
        try {
            difference = store.difference(pid, owner, applied);
            if (difference == null) {
                return false;
            }
            store.putBack(pid, owner, applied);
        } catch (IOException | RuntimeException e) {
            log.error("Configuration {} differs from {}, and putting the file's values back failed: {}", pid, shown,
                    e.toString());
            return false;
        }
        changed(pid, "Configuration " + pid + " was changed through ConfigurationAdmin, not from " + shown + " ("
                + difference + "); the file's values were put back");
        return true;
    }

    /**
     * Deletes a configuration of a {@link #FILE_ONLY} PID that no file applied.
     *
     * @return whether there was one
     */
    boolean keepUnset(String pid) {
        if (!FILE_ONLY.contains(pid)) {
            return false;
        }
        try {
            if (!store.deleteUnowned(pid)) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            log.error("Configuration {} was set through ConfigurationAdmin without a file, and deleting it failed: {}",
                    pid, e.toString());
            return false;
        }
        changed(pid, "Configuration " + pid + " was set through ConfigurationAdmin, but only a file of the config folder"
                + " may set it and there is none applied; it was deleted, so the built-in default applies");
        return true;
    }

    /** The operator has applied the PID's file anew, or removed it: an earlier change is dealt with. */
    void operatorActed(String pid) {
        if (reportedAt.remove(pid) != null) {
            reportedCount.remove(pid);
            alarm.resolved(pid);
        }
    }

    private void changed(String pid, String detail) {
        putBack.computeIfAbsent(pid, p -> new LongAdder()).increment();
        long total = putBack.get(pid).sum();
        Instant now = clock.instant();
        Instant last = reportedAt.get(pid);
        if (last != null && now.isBefore(last.plus(REPORT_EVERY))) {
            return; // counted; reported with the next report
        }
        long since = total - reportedCount.getOrDefault(pid, 0L);
        String report = since > 1 ? detail + " (" + since + " changes put back since the last report)" : detail;
        reportedAt.put(pid, now);
        reportedCount.put(pid, total);
        log.warn("{}", report);
        alarm.changed(pid, report);
    }

    /** Changes put back (or configurations deleted) so far, per PID, sorted. */
    Map<String, Long> putBack() {
        Map<String, Long> counts = new TreeMap<>();
        putBack.forEach((pid, count) -> counts.put(pid, count.sum()));
        return counts;
    }
}
