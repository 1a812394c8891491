package nl.regie.runtime.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.runtime.spi.config.ConfigFiles;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.MetaTypeService;

/**
 * Watches the configuration folder the launcher names in the framework property {@value #DIR}: one file
 * {@code <pid>.cfg} per configuration, checked against the PID's metatype and applied to ConfigAdmin (see
 * {@link ConfigFolder} for what happens when). Without the property it does nothing and says so at DEBUG; either
 * way it offers what it did as {@link ConfigFiles} for the HTTP API.
 *
 * <p>Threads: one daemon thread {@code regie-config-folder} that reads the folder every second (the framework
 * property {@value #POLL_MILLIS} changes that), and at once when a bundle is installed or updated; stopped on
 * deactivation.
 */
@Component(immediate = true, service = ConfigFiles.class)
public final class ConfigFolderComponent implements ConfigFiles {

    /** Framework property: the configuration folder; absent turns the folder off. */
    public static final String DIR = "regie.config.dir";
    /** Framework property: how often the folder is read, in milliseconds (10 or more; default 1000). */
    public static final String POLL_MILLIS = "regie.config.poll.millis";

    static final long DEFAULT_POLL_MILLIS = 1000;
    static final long MIN_POLL_MILLIS = 10;

    private final Path dir;
    private final long pollMillis;
    private final ConfigFolder folder;
    private final ScheduledExecutorService thread;
    private final BundleContext context;
    private final BundleListener pluginArrivals;

    /** Starts watching the folder, if one is configured. */
    @Activate
    public ConfigFolderComponent(BundleContext context, @Reference(name = "configAdmin") ConfigurationAdmin configAdmin,
            @Reference(name = "metaType") MetaTypeService metaType,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this.context = context;
        this.pollMillis = pollMillis(context.getProperty(POLL_MILLIS), log);
        this.dir = dir(context.getProperty(DIR), log);
        if (dir == null) {
            this.folder = null;
            this.thread = null;
            this.pluginArrivals = null;
            return;
        }
        this.folder = new ConfigFolder(dir, Path.of("").toAbsolutePath(), new MetaTypeSchemas(context, metaType, log),
                new ConfigAdminStore(configAdmin), log, Clock.systemUTC());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "regie-config-folder");
            t.setDaemon(true);
            return t;
        });
        Runnable poll = () -> {
            try {
                folder.poll();
            } catch (RuntimeException e) {
                log.error("The configuration folder {} could not be read", dir, e);
            }
        };
        thread.scheduleWithFixedDelay(poll, 0, pollMillis, TimeUnit.MILLISECONDS);
        // A plugin that arrives (FileInstall installs, then starts) gets its pending file at once, not at the next poll,
        // so that it mostly starts on its configuration rather than on its defaults for a moment.
        this.pluginArrivals = event -> {
            if (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED) {
                try {
                    thread.execute(poll);
                } catch (RejectedExecutionException e) {
                    // stopping
                }
            }
        };
        context.addBundleListener(pluginArrivals);
        log.info("Watching the configuration folder {} for <pid>.cfg files", dir);
    }

    @Deactivate
    void deactivate() {
        if (thread == null) {
            return;
        }
        try {
            context.removeBundleListener(pluginArrivals);
        } catch (IllegalStateException e) {
            // the runtime bundle is stopping: its listeners go with it
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<Path> folder() {
        return Optional.ofNullable(dir);
    }

    @Override
    public long pollMillis() {
        return pollMillis;
    }

    @Override
    public List<FileStatus> files() {
        return folder == null ? List.of() : folder.statuses();
    }

    private static Path dir(String value, Logger log) {
        if (value == null || value.isBlank()) {
            log.debug("No configuration folder: the framework property {} is not set, so no <pid>.cfg files are read", DIR);
            return null;
        }
        try {
            return Path.of(value.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            log.error("The configuration folder is off: {} = {} is not a valid path ({})", DIR, value, e.getReason());
            return null;
        }
    }

    /** The poll interval; a value that is not a whole number of at least {@value #MIN_POLL_MILLIS} is logged and ignored. */
    static long pollMillis(String value, Logger log) {
        if (value == null || value.isBlank()) {
            return DEFAULT_POLL_MILLIS;
        }
        try {
            long millis = Long.parseLong(value.strip());
            if (millis >= MIN_POLL_MILLIS) {
                return millis;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.warn("{} = {} is not a whole number of milliseconds of at least {}; reading the configuration folder every {} ms",
                POLL_MILLIS, value, MIN_POLL_MILLIS, DEFAULT_POLL_MILLIS);
        return DEFAULT_POLL_MILLIS;
    }
}
