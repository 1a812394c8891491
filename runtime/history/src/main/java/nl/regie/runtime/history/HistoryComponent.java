package nl.regie.runtime.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.HistoryStatus;
import nl.regie.runtime.spi.history.Series;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The history of every reading: subscribes to all topics on the bus, as the runtime, and hands each reading to the
 * {@link HistoryWriter}, which keeps them in DuckDB in {@code <regie.state.dir>/history/history.duckdb} (in memory
 * when there is no state folder), or with {@code store = postgresql} in a PostgreSQL database ({@link PostgresStore}).
 * Registered as {@link History} for HTTP and as a {@link MetricSource}.
 */
@Component(immediate = true, configurationPid = HistoryComponent.PID, service = {History.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=30")
@Designate(ocd = HistoryComponent.Config.class)
public final class HistoryComponent implements History, MetricSource {

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.history";
    /** The framework property of the state folder (as the core reads it). */
    static final String STATE_DIR_PROPERTY = "regie.state.dir";

    /** The configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie history",
            description = "How long the history of every reading is kept, per entity type, and how much the store"
                    + " may use.")
    public @interface Config {

        /** Days raw readings are kept. */
        @AttributeDefinition(name = "Raw readings (days)", min = "1", max = "36500",
                description = "Days every raw reading is kept; older ones remain as one-minute rollups.")
        int rawDays() default 7;

        /** Days one-minute rollups are kept. */
        @AttributeDefinition(name = "Rollups (days)", min = "1", max = "36500",
                description = "Days the one-minute rollups (count, sum, min, max, last) are kept.")
        int rollupDays() default 90;

        /** Other periods for some types. */
        @AttributeDefinition(name = "Per type", required = false,
                description = "{Type} rawDays={n} rollupDays={n}, comma-separated, such as TrafficFlowObserved"
                        + " rawDays=2 rollupDays=30; what an entry leaves out is the default.")
        String[] typeRetention() default {};

        /** Readings that may wait for the writer. */
        @AttributeDefinition(name = "Queue", min = "1000", max = "10000000",
                description = "Readings that may wait for the history's writer; beyond it they are dropped and"
                        + " counted (regie_history_dropped_total), never holding up the bus.")
        int queueCapacity() default 100_000;

        /** DuckDB's memory limit. */
        @AttributeDefinition(name = "Store memory (MB)", min = "16", max = "65536",
                description = "DuckDB's memory_limit: its buffers, outside the Java heap. Read at start.")
        int memoryLimitMb() default 64;

        /** DuckDB's threads. */
        @AttributeDefinition(name = "Store threads", min = "1", max = "64",
                description = "DuckDB's threads for queries and the hourly move. Read at start.")
        int threads() default 2;

        /** Which store keeps the history. */
        @AttributeDefinition(name = "Store", options = {
                @Option(label = "DuckDB in the state folder", value = STORE_DUCKDB),
                @Option(label = "A PostgreSQL database (TimescaleDB where present)", value = STORE_POSTGRESQL)},
                description = "duckdb: in the state folder, no setup (the default); postgresql: in the database url"
                        + " names, for a city that outgrows one machine. Read at start.")
        String store() default STORE_DUCKDB;

        /** The PostgreSQL database. */
        @AttributeDefinition(name = "PostgreSQL URL", required = false,
                description = "With store=postgresql: jdbc:postgresql://host:port/database (driver options may"
                        + " follow ?), never with a password in it. Read at start.")
        String url() default "";

        /** The PostgreSQL role. */
        @AttributeDefinition(name = "PostgreSQL user", required = false,
                description = "With store=postgresql: the role to log in as. Read at start.")
        String user() default "";

        /** A file with the role's password. */
        @AttributeDefinition(name = "PostgreSQL password file", required = false,
                description = "With store=postgresql: a file holding the role's password (one line), read at each"
                        + " connection; empty when the server needs none. Read at start.")
        String passwordFile() default "";
    }

    /** The store option for DuckDB. */
    public static final String STORE_DUCKDB = "duckdb";
    /** The store option for PostgreSQL. */
    public static final String STORE_POSTGRESQL = "postgresql";

    private final Subscription subscription;
    private final Logger log;
    private final Path folder;
    private final Clock clock;
    private final int queueCapacity;
    /** The store and its writer: both replaced together when the configuration moves the history to another store. */
    private volatile Store store;
    private volatile HistoryWriter writer;
    /** The store settings in force (guarded by {@code this}). */
    private String storeSettings;

    /**
     * Opens the history in the state folder (in memory without one) and subscribes to every reading. When it starts
     * without a configuration while the config folder holds a file for its PID (the folder applies it a moment later),
     * the store is chosen once that file is applied, or after {@link #CONFIG_WAIT} on the defaults.
     */
    @Activate
    public HistoryComponent(@Reference RuntimeBus bus, BundleContext context, Config config,
            Map<String, Object> properties, @Reference(service = LoggerFactory.class) Logger log)
            throws IOException, SQLException {
        this(bus, Owner.of(context.getBundle()), folder(context), config, Clock.systemUTC(), log, List.of("#"),
                properties.containsKey("service.pid") ? null : configFile(context));
    }

    /** How long the history waits for the config folder's file to choose its store. */
    static final Duration CONFIG_WAIT = Duration.ofSeconds(10);

    private static Path configFile(BundleContext context) {
        String dir = context.getProperty("regie.config.dir");
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Path file = Path.of(dir).resolve(PID + ".cfg");
        return Files.isRegularFile(file) ? file : null;
    }

    /**
     * The history outside a framework (tests, benchmarks): kept in {@code folder} (in memory if null), on
     * {@code clock} for its hourly move and retention.
     *
     * @throws IllegalArgumentException if the configuration's per-type entries are malformed (the message names one)
     */
    public HistoryComponent(RuntimeBus bus, Owner owner, Path folder, Config config, Clock clock, Logger log)
            throws IOException, SQLException {
        this(bus, owner, folder, config, clock, log, List.of("#"));
    }

    /**
     * The history outside a framework, subscribed to {@code topicFilters} only: for a benchmark that keeps its own
     * probe traffic out of the history.
     */
    public HistoryComponent(RuntimeBus bus, Owner owner, Path folder, Config config, Clock clock, Logger log,
            List<String> topicFilters) throws IOException, SQLException {
        this(bus, owner, folder, config, clock, log, topicFilters, null);
    }

    /**
     * The history, its store chosen only when the configuration arrives if {@code awaitedConfig} is not null (a
     * config file that is about to be applied): until then its first write waits, at most {@link #CONFIG_WAIT}.
     */
    HistoryComponent(RuntimeBus bus, Owner owner, Path folder, Config config, Clock clock, Logger log,
            List<String> topicFilters, Path awaitedConfig) throws IOException, SQLException {
        this.log = log;
        this.folder = folder;
        this.clock = clock;
        this.queueCapacity = config.queueCapacity();
        this.storeSettings = storeSettings(config);
        RetentionPolicy policy = RetentionPolicy.parse(config.rawDays(), config.rollupDays(), config.typeRetention());
        if (awaitedConfig != null) {
            store = new DeferredStore(CONFIG_WAIT, () -> {
                Store opened = open(folder, config, clock, log);
                log.warn("The history's configuration file {} was not applied within {} s; the history is kept in {}",
                        awaitedConfig, CONFIG_WAIT.toSeconds(), opened.description());
                return opened;
            }, awaitedConfig + " to be applied");
        } else {
            store = open(folder, config, clock, log);
        }
        writer = new HistoryWriter(store, queueCapacity, policy, clock, log::error);
        subscription = bus.subscribe(owner, topicFilters, reading -> writer.offer(reading), queueCapacity);
        log.info("History kept in {} ({} series); raw readings {} days, rollups {} days{}",
                store.description(), store.seriesCount(), policy.raw().toDays(), policy.rollups().toDays(),
                policy.byType().isEmpty() ? "" : ", other periods for " + policy.byType().keySet());
    }

    /**
     * The configured store. PostgreSQL's never fails here for its server: one it cannot reach is reported and tried
     * again.
     *
     * @throws IllegalArgumentException if {@code store} names no store (the message says which there are)
     */
    private static Store open(Path folder, Config config, Clock clock, Logger log) throws IOException, SQLException {
        String kind = config.store() == null ? STORE_DUCKDB : config.store().strip();
        switch (kind) {
            case STORE_DUCKDB, "" -> {
                NativeLeftovers.sweep(log::info);
                HistoryStore store = HistoryStore.open(folder == null ? null : folder.resolve("history.duckdb"),
                        new HistoryStore.Settings(config.memoryLimitMb(), config.threads()), clock, log::error);
                NativeLeftovers.deleteLoadedCopy(log::info);
                return store;
            }
            case STORE_POSTGRESQL -> {
                String file = config.passwordFile() == null ? "" : config.passwordFile().strip();
                return PostgresStore.open(new PostgresStore.Settings(config.url(), config.user(),
                        file.isEmpty() ? null : Path.of(file)), clock, log::info, log::error);
            }
            default -> throw new IllegalArgumentException("the history's store must be " + STORE_DUCKDB + " or "
                    + STORE_POSTGRESQL + ", was '" + kind + "' (" + PID + ")");
        }
    }

    private static Path folder(BundleContext context) {
        String dir = context.getProperty(STATE_DIR_PROPERTY);
        return dir == null || dir.isBlank() ? null : Path.of(dir).resolve("history");
    }

    /**
     * A changed retention applies from the next hourly pass; a malformed one is refused and the old one stays. A
     * changed store ({@code store}, {@code url}, {@code user}, {@code passwordFile}) moves the history at once: new
     * readings go to the new store, the old writer writes what waits for it and closes it (nothing is copied over);
     * a store that does not open is refused and the history stays where it is. DuckDB's memory and threads apply at
     * the next start.
     */
    @Modified
    synchronized void modified(Config config) throws InterruptedException {
        RetentionPolicy policy;
        try {
            policy = RetentionPolicy.parse(config.rawDays(), config.rollupDays(), config.typeRetention());
        } catch (IllegalArgumentException e) {
            log.error("Refused the history's retention ({}): {}; the retention in force stays", PID, e.getMessage());
            return;
        }
        String next = storeSettings(config);
        if (store instanceof DeferredStore deferred && deferred.target() == null) {
            try {
                if (deferred.resolve(() -> open(folder, config, clock, log))) {
                    storeSettings = next;
                    writer.policy(policy);
                    log.info("History kept in {} ({} series), as {} says", store.description(), store.seriesCount(),
                            PID);
                    return;
                }
            } catch (Exception e) {
                log.error("Refused the history's store ({}): {}; it waits for a valid one, at most {} s from its start,"
                        + " then keeps the history in DuckDB", PID, e.getMessage(), CONFIG_WAIT.toSeconds());
                writer.policy(policy);
                return;
            }
        }
        if (next.equals(storeSettings)) {
            writer.policy(policy);
            return;
        }
        if (kind(next).equals(STORE_DUCKDB) && kind(storeSettings).equals(STORE_DUCKDB)) {
            log.warn("The history's DuckDB memory and threads ({}) apply at the next start", PID);
            writer.policy(policy);
            return;
        }
        Store opened;
        try {
            opened = open(folder, config, clock, log);
        } catch (IllegalArgumentException | IOException | SQLException e) {
            log.error("Refused the history's new store ({}): {}; the history stays in {}", PID, e.getMessage(),
                    store.description());
            writer.policy(policy);
            return;
        }
        HistoryWriter old = writer;
        String was = store.description();
        store = opened;
        writer = new HistoryWriter(opened, queueCapacity, policy, clock, log::error);
        storeSettings = next;
        old.stop();
        log.info("The history moved to {} ({} series); what was kept before stays in {}", opened.description(),
                opened.seriesCount(), was);
    }

    private static String storeSettings(Config config) {
        return String.join("|", config.store() == null || config.store().isBlank() ? STORE_DUCKDB : config.store().strip(),
                config.url(), config.user(), config.passwordFile(), Integer.toString(config.memoryLimitMb()),
                Integer.toString(config.threads()));
    }

    private static String kind(String storeSettings) {
        return storeSettings.substring(0, storeSettings.indexOf('|'));
    }

    /** Stops the subscription, writes what waits and closes the store. */
    @Deactivate
    public synchronized void close() throws InterruptedException {
        subscription.close();
        writer.stop();
    }

    @Override
    public List<Series> query(HistoryQuery query) {
        try {
            return store.query(query);
        } catch (SQLException e) {
            throw new IllegalStateException("the history store could not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Series> latest(HistoryQuery query) {
        Optional<List<Series>> own;
        try {
            own = store.latest(query);
        } catch (SQLException e) {
            throw new IllegalStateException("the history store could not answer: " + e.getMessage(), e);
        }
        return own.isPresent() ? own.get() : History.super.latest(query);
    }

    @Override
    public boolean knows(EntityId entity) {
        return store.knows(entity);
    }

    @Override
    public Optional<Retention> retention(String entityType) {
        RetentionPolicy.Periods periods = writer.policy().of(entityType);
        return Optional.of(new Retention(periods.raw(), periods.rollups()));
    }

    /** The writer's status, with the store's own problem (a server it cannot reach) and what the store is. */
    @Override
    public HistoryStatus status() {
        HistoryStatus status = writer.status();
        String problem = status.problem() != null ? status.problem() : store.problem();
        return new HistoryStatus(status.written(), status.dropped(), status.queued(), status.lagMillis(),
                status.storeBytes(), problem, store.description());
    }

    /** The store itself, for tests and the benchmark in this package. */
    Store store() {
        return store;
    }

    @Override
    public void collect(MetricWriter out) {
        HistoryStatus status = status();
        out.counter("regie_history_written_total", "Readings written to the history store.").sample(status.written());
        out.counter("regie_history_dropped_total", "Readings the history lost: its queue was full or the store"
                + " refused their batch (a full disk).").sample(status.dropped());
        out.gauge("regie_history_queued", "Readings waiting for the history's writer.").sample(status.queued());
        out.gauge("regie_history_lag_seconds", "How long the history's writer has not caught up (0 when its queue is"
                + " empty).").sample(status.lagMillis() / 1000.0);
        out.gauge("regie_history_store_bytes", "The history store's size on disk.").sample(status.storeBytes());
        out.gauge("regie_history_behind", "1 when the history is behind or refused writes in the last minute.")
                .sample(status.well() ? 0 : 1);
    }

    /** Configuration values outside a framework: the defaults, with some replaced. */
    public static Config config(Map<String, Object> values) {
        return new Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return Config.class;
            }

            @Override
            public int rawDays() {
                return (Integer) values.getOrDefault("rawDays", 7);
            }

            @Override
            public int rollupDays() {
                return (Integer) values.getOrDefault("rollupDays", 90);
            }

            @Override
            public String[] typeRetention() {
                return (String[]) values.getOrDefault("typeRetention", new String[0]);
            }

            @Override
            public int queueCapacity() {
                return (Integer) values.getOrDefault("queueCapacity", 100_000);
            }

            @Override
            public int memoryLimitMb() {
                return (Integer) values.getOrDefault("memoryLimitMb", 64);
            }

            @Override
            public int threads() {
                return (Integer) values.getOrDefault("threads", 2);
            }

            @Override
            public String store() {
                return (String) values.getOrDefault("store", STORE_DUCKDB);
            }

            @Override
            public String url() {
                return (String) values.getOrDefault("url", "");
            }

            @Override
            public String user() {
                return (String) values.getOrDefault("user", "");
            }

            @Override
            public String passwordFile() {
                return (String) values.getOrDefault("passwordFile", "");
            }
        };
    }
}
