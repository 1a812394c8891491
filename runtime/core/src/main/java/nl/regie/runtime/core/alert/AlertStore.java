package nl.regie.runtime.core.alert;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.model.Location;
import nl.regie.runtime.spi.alert.AlertBook;
import nl.regie.runtime.spi.alert.AlertFilter;

/**
 * The alerts the runtime keeps: the active ones by key, and a bounded history of resolved ones (the most recently
 * resolved first; the oldest is forgotten when it is full). Plain Java and thread-safe: every method runs under
 * one lock, and the alerts it hands out are immutable.
 *
 * <p>Times are the plugins' observation times, which may run ahead of the wall clock under the simulator. They never
 * go backwards within one alert: an update or resolution stamped before the alert's last change counts as happening
 * at that last change.
 */
public final class AlertStore {

    /** Resolved alerts kept by default. */
    public static final int DEFAULT_HISTORY = 1_000;

    /** Most severe first, then the newest raised first, then by key so the order is total. */
    static final Comparator<Alert> ACTIVE_ORDER = Comparator.comparing(Alert::severity).reversed()
            .thenComparing(Alert::validFrom, Comparator.reverseOrder())
            .thenComparing(Alert::key);

    /** What a call changed. */
    public enum Kind {
        /** A new alert, or a key raised again after it was resolved. */
        RAISED,
        /** An active alert whose fields changed. */
        UPDATED,
        /** A request equal to the active alert: nothing changed. */
        UNCHANGED,
        /** An active alert resolved. */
        RESOLVED
    }

    /**
     * The outcome of a change.
     *
     * @param kind     what happened
     * @param alert    the alert as it is kept now
     * @param previous the alert before the change, or {@code null} if it was raised afresh
     */
    public record Change(Kind kind, Alert alert, Alert previous) {
        /** Whether the alert changed, so that the change must be published. */
        public boolean changed() {
            return kind != Kind.UNCHANGED;
        }
    }

    /** Told of every change that is not UNCHANGED, under the store's lock, in order: the journal. */
    @FunctionalInterface
    interface Changes {
        Changes NONE = change -> { };

        void changed(Change change);
    }

    private final int historyCapacity;
    /** Guarded by this. */
    private Changes changes = Changes.NONE;
    /** Guarded by this. */
    private final Map<String, Alert> active = new HashMap<>();
    /** Guarded by this; the most recently resolved first. */
    private final Deque<Alert> history = new ArrayDeque<>();

    /** A store that keeps the last {@value #DEFAULT_HISTORY} resolved alerts. */
    public AlertStore() {
        this(DEFAULT_HISTORY);
    }

    /**
     * A store that keeps the last {@code historyCapacity} resolved alerts.
     *
     * @throws IllegalArgumentException if the capacity is below 1
     */
    public AlertStore(int historyCapacity) {
        if (historyCapacity < 1) {
            throw new IllegalArgumentException("the alert history must hold at least 1 alert, not " + historyCapacity);
        }
        this.historyCapacity = historyCapacity;
    }

    /**
     * Raises an alert for {@code source}, or updates its active alert with the same key.
     *
     * @param source   the symbolic name of the plugin raising it
     * @param request  what it asks for
     * @param location where the alert is: the request's location or one the caller found for it; may be null
     * @return the change: RAISED, UPDATED or UNCHANGED
     * @throws IllegalStateException when another plugin has an active alert with the key (the message names it)
     */
    public synchronized Change raise(String source, AlertRequest request, Location location) {
        Objects.requireNonNull(source, "alert source is required");
        Objects.requireNonNull(request, "alert request is required");
        Alert current = active.get(request.key());
        if (current == null) {
            Alert raised = new Alert(request.alertId(), request.category(), request.subCategory(), request.severity(),
                    request.description(), request.about(), location, request.observedAt(), null, request.observedAt(),
                    source);
            active.put(request.key(), raised);
            return told(new Change(Kind.RAISED, raised, null));
        }
        if (!current.source().equals(source)) {
            throw new IllegalStateException("alert " + request.key() + " is already active, raised by "
                    + current.source() + "; a plugin can only update its own alerts");
        }
        if (sameAs(current, request, location)) {
            return new Change(Kind.UNCHANGED, current, current);
        }
        Alert updated = new Alert(current.id(), request.category(), request.subCategory(), request.severity(),
                request.description(), request.about(), location, current.validFrom(), null,
                latest(current.updatedAt(), request.observedAt()), source);
        active.put(request.key(), updated);
        return told(new Change(Kind.UPDATED, updated, current));
    }

    /**
     * Resolves the active alert of {@code source} with {@code key}.
     *
     * @param at when the condition was seen to be over
     * @return the change (RESOLVED), or empty if {@code source} has no active alert with that key
     */
    public synchronized Optional<Change> resolve(String source, String key, Instant at) {
        Objects.requireNonNull(at, "the time an alert is resolved is required");
        Alert current = active.get(key);
        if (current == null || !current.source().equals(source)) {
            return Optional.empty();
        }
        return Optional.of(resolve(current, at));
    }

    /**
     * Resolves every active alert of {@code source}, for example when its plugin is uninstalled. Each ends as of its
     * own last update: that is the last the runtime knows of it, in the clock of the plugin that raised it (dating the
     * end by the wall clock would mix two clocks in one alert's readings).
     */
    public synchronized List<Change> resolveAll(String source) {
        List<Alert> owned = active.values().stream().filter(a -> a.source().equals(source)).sorted(ACTIVE_ORDER).toList();
        return owned.stream().map(a -> resolve(a, a.updatedAt())).toList();
    }

    private Change resolve(Alert current, Instant at) {
        Instant end = latest(current.updatedAt(), at);
        Alert resolved = new Alert(current.id(), current.category(), current.subCategory(), current.severity(),
                current.description(), current.about(), current.location(), current.validFrom(), end, end,
                current.source());
        active.remove(current.key());
        addResolved(resolved);
        return told(new Change(Kind.RESOLVED, resolved, current));
    }

    private void addResolved(Alert resolved) {
        history.addFirst(resolved);
        while (history.size() > historyCapacity) {
            history.removeLast();
        }
    }

    private Change told(Change change) {
        changes.changed(change);
        return change;
    }

    // ---------------------------------------------------------------------------------------------- kept on disk

    /** Sets who is told of each change (the journal); before any change is made. */
    synchronized void onChange(Changes listener) {
        changes = Objects.requireNonNull(listener);
    }

    /** Puts back an alert as it was kept: active, or resolved (then the most recently resolved one). Recovery only. */
    synchronized void restore(Alert alert) {
        Alert current = active.get(alert.key());
        if (alert.active()) {
            active.put(alert.key(), alert);
        } else {
            if (current != null && current.id().equals(alert.id())) {
                active.remove(alert.key());
            }
            addResolved(alert);
        }
    }

    /** Forgets every alert (recovery only: a snapshot turned out damaged halfway). */
    synchronized void clear() {
        active.clear();
        history.clear();
    }

    /** Every alert kept, for a snapshot: the resolved ones oldest first, then the active ones. */
    synchronized List<Alert> capture() {
        List<Alert> all = new ArrayList<>(history.size() + active.size());
        history.descendingIterator().forEachRemaining(all::add);
        all.addAll(active.values());
        return all;
    }

    /** Every active alert, most severe first, then newest first. */
    public synchronized List<Alert> active() {
        List<Alert> alerts = new ArrayList<>(active.values());
        alerts.sort(ACTIVE_ORDER);
        return alerts;
    }

    /** The resolved alerts kept, the most recently resolved first. */
    public synchronized List<Alert> history() {
        return List.copyOf(history);
    }

    /** The active alert with a key, else the most recently resolved one still kept, else empty. */
    public synchronized Optional<Alert> find(String key) {
        Alert current = active.get(key);
        if (current != null) {
            return Optional.of(current);
        }
        return history.stream().filter(a -> a.key().equals(key)).findFirst();
    }

    /**
     * The alerts matching a filter, active ones first (in {@link #active()} order), then resolved ones (the most
     * recently resolved first), one page of them.
     *
     * @param offset how many matches to skip, at least 0
     * @param limit  the most to return, at least 0
     */
    public synchronized AlertBook.Page query(AlertFilter filter, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative, were " + offset + " and " + limit);
        }
        List<Alert> matches = new ArrayList<>();
        if (filter.state() != AlertFilter.State.RESOLVED) {
            active().stream().filter(filter::matches).forEach(matches::add);
        }
        if (filter.state() != AlertFilter.State.ACTIVE) {
            history.stream().filter(filter::matches).forEach(matches::add);
        }
        int from = Math.min(offset, matches.size());
        int to = (int) Math.min((long) from + limit, matches.size());
        return new AlertBook.Page(matches.subList(from, to), matches.size());
    }

    private static boolean sameAs(Alert current, AlertRequest request, Location location) {
        return current.category().equals(request.category())
                && current.subCategory().equals(request.subCategory())
                && current.severity() == request.severity()
                && current.description().equals(request.description())
                && Objects.equals(current.about(), request.about())
                && Objects.equals(current.location(), location);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
