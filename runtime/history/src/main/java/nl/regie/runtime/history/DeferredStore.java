package nl.regie.runtime.history;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Series;

/**
 * A store chosen a moment later: in the launcher the history component may start before the config folder has applied
 * its file (the folder sees the PID's metatype only once the history bundle starts), and a {@code store = postgresql}
 * there must not start the history in DuckDB first. Until {@link #resolve} names the configured store, the writer's
 * first write waits for it, up to a limit, while readings wait in the writer's queue; past the limit the default store
 * is opened ({@code fallback}) and the history goes on there.
 */
final class DeferredStore implements Store {

    /** How a store is opened. */
    interface Opener {
        Store open() throws Exception;
    }

    private final CountDownLatch resolved = new CountDownLatch(1);
    private final long deadlineNanos;
    private final Opener fallback;
    private final String waitingFor;
    private volatile Store target;

    /**
     * @param limit      how long the first write waits for the configured store
     * @param fallback   opens the default store when none was named in time
     * @param waitingFor what the store waits for, for its description
     */
    DeferredStore(Duration limit, Opener fallback, String waitingFor) {
        this.deadlineNanos = System.nanoTime() + limit.toNanos();
        this.fallback = fallback;
        this.waitingFor = waitingFor;
    }

    /**
     * Opens the configured store and makes it the one; false, opening nothing, when one was already chosen (the
     * fallback, its time up).
     *
     * @throws Exception what opening the store threw; then none is chosen yet
     */
    synchronized boolean resolve(Opener configured) throws Exception {
        if (target != null) {
            return false;
        }
        target = configured.open();
        resolved.countDown();
        return true;
    }

    /** The store chosen, or null while none is. */
    Store target() {
        return target;
    }

    /** The chosen store, waiting for it until the limit and then opening the fallback. On the writer thread. */
    private Store chosen() throws SQLException {
        Store now = target;
        if (now != null) {
            return now;
        }
        try {
            resolved.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (target == null) {
                try {
                    target = fallback.open();
                } catch (SQLException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new SQLException("the default history store did not open: " + e.getMessage(), e);
                }
                resolved.countDown();
            }
            return target;
        }
    }

    @Override
    public void write(List<Reading> batch) throws SQLException {
        chosen().write(batch);
    }

    @Override
    public void maintain(Instant now, RetentionPolicy retention) throws SQLException {
        Store store = target;
        if (store != null) {
            store.maintain(now, retention);
        }
    }

    @Override
    public long bytes() {
        Store store = target;
        return store == null ? 0 : store.bytes();
    }

    @Override
    public void close() throws SQLException {
        Store store = target;
        if (store != null) {
            store.close();
        }
    }

    @Override
    public List<Series> query(HistoryQuery query) throws SQLException {
        Store store = target;
        if (store == null) {
            throw new SQLException("the history is starting: it waits for " + waitingFor);
        }
        return store.query(query);
    }

    @Override
    public Optional<List<Series>> latest(HistoryQuery query) throws SQLException {
        Store store = target;
        if (store == null) {
            throw new SQLException("the history is starting: it waits for " + waitingFor);
        }
        return store.latest(query);
    }

    @Override
    public boolean knows(EntityId entity) {
        Store store = target;
        return store != null && store.knows(entity);
    }

    @Override
    public int seriesCount() {
        Store store = target;
        return store == null ? 0 : store.seriesCount();
    }

    @Override
    public String description() {
        Store store = target;
        return store == null ? "(not chosen yet: waiting for " + waitingFor + ")" : store.description();
    }

    @Override
    public String problem() {
        Store store = target;
        return store == null ? null : store.problem();
    }
}
