package nl.regie.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * The launcher's console: one line per event, {@code HH:mm:ss LEVEL [bundle.symbolic.name] message: reason}.
 *
 * <p>It follows the OSGi Log Service (Felix Log; SCR reports component failures there, in the name of the
 * component's bundle) and framework events, and shows WARN and above from every bundle, INFO from Regie's
 * own bundles ({@code nl.regie.*}). Errors and warnings go to stderr, the rest to stdout. Stack traces
 * follow only in verbose mode. The log API package comes from the launcher's class path and the system
 * bundle exports it, so this listener and every bundle share the same {@link LogListener} type.
 *
 * <p>What bundles log is collapsed by {@link RepeatedLines}: a bundle that repeats itself (a plugin warning about every
 * bad reading of a broken device) prints a few lines a minute and then one saying how many were left out, so plugins
 * just log and no bundle can bury the others' lines. The launcher's own lines are never collapsed.
 *
 * <p>With a {@link LogFile} every line also goes to that file, dated ({@code yyyy-MM-dd HH:mm:ss.SSS}) and with
 * its stack trace whether verbose or not. If the file cannot be written the console says so once and goes on alone.
 */
final class ConsoleLog implements LogListener, FrameworkListener {

    /** What the launcher itself reports as, in the brackets. */
    static final String LAUNCHER = "launcher";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final String REGIE_BUNDLES = "nl.regie.";
    /** Where the runtime's lifecycle installs a jar it only checks: {@code PluginBundles.CANDIDATE_LOCATION_PREFIX}. */
    static final String PREFLIGHT_LOCATION_PREFIX = "regie-preflight:";
    /** What the lifecycle appends to a candidate's symbolic name ({@code Preflight}). */
    private static final String PREFLIGHT_SUFFIX = ".regie-preflight";
    /** How often the reports of ended windows are looked for when nothing else is printed. */
    private static final long REPORT_EVERY_SECONDS = 5;
    private static final String FELIX_LOG_EXCEPTION = "org.apache.felix.log.LogException";

    private final PrintStream out;
    private final PrintStream err;
    private final boolean verbose;
    private final RepeatedLines repeated;
    private LogFile file;
    private ServiceTracker<LogReaderService, LogReaderService> readers;
    private ScheduledExecutorService reporter;

    ConsoleLog(PrintStream out, PrintStream err, boolean verbose) {
        this(out, err, verbose, RepeatedLines.standard(), null);
    }

    /** A console that collapses repeated lines as {@code repeated} says, and writes no file. */
    ConsoleLog(PrintStream out, PrintStream err, boolean verbose, RepeatedLines repeated) {
        this(out, err, verbose, repeated, null);
    }

    /** A console that also writes every line to {@code file} (none when null). */
    ConsoleLog(PrintStream out, PrintStream err, boolean verbose, LogFile file) {
        this(out, err, verbose, RepeatedLines.standard(), file);
    }

    ConsoleLog(PrintStream out, PrintStream err, boolean verbose, RepeatedLines repeated, LogFile file) {
        this.out = out;
        this.err = err;
        this.verbose = verbose;
        this.repeated = repeated;
        this.file = file;
    }

    /** Starts following the framework's events and every Log Service that appears in it. */
    void attach(BundleContext context) {
        context.addFrameworkListener(this);
        readers = new ServiceTracker<>(context, LogReaderService.class, new ServiceTrackerCustomizer<>() {
            @Override
            public LogReaderService addingService(ServiceReference<LogReaderService> reference) {
                LogReaderService reader = context.getService(reference);
                if (reader != null) {
                    reader.addLogListener(ConsoleLog.this);
                }
                return reader;
            }

            @Override
            public void modifiedService(ServiceReference<LogReaderService> reference, LogReaderService reader) {
                // Nothing to do: the listener stays.
            }

            @Override
            public void removedService(ServiceReference<LogReaderService> reference, LogReaderService reader) {
                reader.removeLogListener(ConsoleLog.this);
                context.ungetService(reference);
            }
        });
        readers.open();
        reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "regie-console-left-out");
            thread.setDaemon(true);
            return thread;
        });
        // A bundle that floods and then falls silent still has its count reported, within seconds of its window.
        reporter.scheduleWithFixedDelay(this::reportLeftOut, REPORT_EVERY_SECONDS, REPORT_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    /** Stops following the framework (it has stopped) and prints what was left out and not yet reported. */
    void detach() {
        if (reporter != null) {
            reporter.shutdownNow();
        }
        synchronized (this) {
            repeated.drain().forEach(line -> print(line.level(), line.source(), line.message(), null));
        }
    }

    /** Prints the reports of the windows that have ended. */
    synchronized void reportLeftOut() {
        repeated.due().forEach(line -> print(line.level(), line.source(), line.message(), null));
    }

    @Override
    public void logged(LogEntry entry) {
        // Log Service 1.4 mirrors framework, bundle and service events into the log ("Events.Framework",
        // "Events.Bundle", "Events.Service"); framework errors are printed by frameworkEvent already.
        String logger = entry.getLoggerName();
        if (logger != null && logger.startsWith("Events.")) {
            return;
        }
        String source = name(entry.getBundle());
        LogLevel level = entry.getLogLevel();
        boolean severe = level.ordinal() <= LogLevel.WARN.ordinal();
        if (severe || (level == LogLevel.INFO && source.startsWith(REGIE_BUNDLES))) {
            printCollapsed(level, source, entry.getMessage(), entry.getException());
        }
    }

    /**
     * Prints a bundle's line unless it is one too many of its kind (see {@link RepeatedLines}); the reason is part of
     * what makes lines alike, so failures for different reasons are not collapsed into one.
     */
    private synchronized void printCollapsed(LogLevel level, String source, String message, Throwable reason) {
        String text = (message == null ? "" : message) + (reason == null ? "" : ": " + reason(reason));
        for (RepeatedLines.Line line : repeated.offer(level, source, text)) {
            print(line.level(), line.source(), line.message(), null);
            if (!line.report() && reason != null) {
                if (verbose) {
                    reason.printStackTrace(level.ordinal() <= LogLevel.WARN.ordinal() ? err : out);
                }
                traceToFile(reason);
            }
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.ERROR) {
            printCollapsed(LogLevel.ERROR, name(event.getBundle()), "framework error", event.getThrowable());
        } else if (event.getType() == FrameworkEvent.WARNING) {
            printCollapsed(LogLevel.WARN, name(event.getBundle()), "framework warning", event.getThrowable());
        }
    }

    /** A line from the launcher at INFO, on stdout. */
    void info(String source, String message) {
        print(LogLevel.INFO, source, message, null);
    }

    /** A line at WARN, on stderr. */
    void warn(String source, String message, Throwable reason) {
        print(LogLevel.WARN, source, message, reason);
    }

    /** A line at ERROR, on stderr. */
    void error(String source, String message, Throwable reason) {
        print(LogLevel.ERROR, source, message, reason);
    }

    /** Prints one line (and, in verbose mode, the stack trace of {@code reason}). */
    synchronized void print(LogLevel level, String source, String message, Throwable reason) {
        PrintStream stream = level.ordinal() <= LogLevel.WARN.ordinal() ? err : out;
        StringBuilder line = new StringBuilder()
                .append(level).append(" [").append(source).append("] ")
                .append(message == null ? "" : message);
        if (reason != null) {
            line.append(": ").append(reason(reason));
        }
        LocalDateTime now = LocalDateTime.now();
        stream.println(now.toLocalTime().format(TIME) + " " + line);
        if (reason != null && verbose) {
            reason.printStackTrace(stream);
        }
        toFile(now, line.toString(), reason);
    }

    /**
     * A line of the launcher's own on stdout as it is ({@code Regie ready ...}, {@code Regie stopped}), and dated in
     * the log file.
     */
    synchronized void plain(String message) {
        out.println(message);
        out.flush();
        toFile(LocalDateTime.now(), message, null);
    }

    /** A line of the launcher's own on stderr as it is ({@code Regie failed to start: ...}), and dated in the log file. */
    synchronized void plainError(String message) {
        err.println(message);
        err.flush();
        toFile(LocalDateTime.now(), message, null);
    }

    /** Closes the log file, if any; later lines go to the console only. */
    synchronized void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                err.println(LocalTime.now().format(TIME) + " WARN [" + LAUNCHER + "] log file " + file.file()
                        + ": cannot close: " + reason(e));
            }
            file = null;
        }
    }

    /** The stack trace of a line already written (collapsed lines carry their reason in the message only). */
    private void traceToFile(Throwable reason) {
        if (file == null) {
            return;
        }
        StringWriter trace = new StringWriter();
        reason.printStackTrace(new PrintWriter(trace));
        try {
            file.write(trace.toString().stripTrailing());
        } catch (IOException e) {
            fileFailed(LocalDateTime.now(), e);
        }
    }

    private void toFile(LocalDateTime now, String line, Throwable reason) {
        if (file == null) {
            return;
        }
        try {
            file.write(now.format(FILE_TIME) + " " + line);
            if (reason != null) {
                StringWriter trace = new StringWriter();
                reason.printStackTrace(new PrintWriter(trace));
                file.write(trace.toString().stripTrailing());
            }
        } catch (IOException e) {
            fileFailed(now, e);
        }
    }

    /** Stops writing the log file, saying so once on the console. */
    private void fileFailed(LocalDateTime now, IOException e) {
        LogFile failed = file;
        file = null;
        try {
            failed.close();
        } catch (IOException ignored) {
            // Already failing: the line below says so.
        }
        err.println(now.toLocalTime().format(TIME) + " WARN [" + LAUNCHER + "] log file " + failed.file()
                + ": cannot write, so the log goes to the console only from now on: " + reason(e));
    }

    /** The symbolic name of a bundle, for the brackets. */
    static String name(Bundle bundle) {
        if (bundle == null) {
            return "?";
        }
        if (bundle.getBundleId() == 0) {
            return "framework";
        }
        String name = bundle.getSymbolicName();
        if (name != null && isPreflightCandidate(bundle)) {
            // Not the vendor's bundle: the lifecycle's copy of a jar, installed only to see whether it resolves.
            String plugin = name.endsWith(PREFLIGHT_SUFFIX) ? name.substring(0, name.length() - PREFLIGHT_SUFFIX.length()) : name;
            return "nl.regie.runtime.lifecycle: pre-flight check of " + plugin;
        }
        return name != null ? name : "bundle " + bundle.getBundleId();
    }

    /**
     * Whether a bundle is one of the lifecycle's pre-flight candidates (the runtime SPI's
     * {@code PluginBundles.CANDIDATE_LOCATION_PREFIX}; the launcher does not load the SPI).
     */
    static boolean isPreflightCandidate(Bundle bundle) {
        String location = bundle.getLocation();
        return location != null && location.startsWith(PREFLIGHT_LOCATION_PREFIX);
    }

    /**
     * A failure in a few words: the message of the exception that says most (wrappers without a message of their
     * own are skipped), after its simple type name unless it is a {@link BundleException}, whose messages stand
     * on their own.
     */
    static String reason(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && (t instanceof InvocationTargetException || t.getMessage() == null
                || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        String type = t.getClass().getName();
        String message = t.getMessage();
        if (type.equals(FELIX_LOG_EXCEPTION) && message != null) {
            // Felix Log keeps a bundle's exception as a copy whose message is "original.Type: message".
            int colon = message.indexOf(": ");
            type = colon < 0 ? message : message.substring(0, colon);
            message = colon < 0 || message.endsWith(": null") ? null : message.substring(colon + 2);
        }
        String simpleType = type.substring(type.lastIndexOf('.') + 1);
        if (message == null || message.isBlank()) {
            return simpleType;
        }
        return type.equals(BundleException.class.getName()) ? message : simpleType + ": " + message;
    }
}
