package nl.regie.launcher.broker;

import java.util.Objects;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where the embedded broker's SLF4J logging goes: to one {@link Sink} (the launcher's console), warnings and errors
 * only unless {@link #routeTo(Sink, boolean) verbose}. HiveMQ would otherwise bring Logback and its own console
 * format; this small SLF4J provider replaces both. It is selected by the {@code slf4j.provider} system property
 * (SLF4J 2.0.9 and later), which {@link #install()} sets, so no service file is needed and nothing else on the
 * class path can take over.
 */
public final class BrokerLog implements SLF4JServiceProvider {

    /** Receives the broker's log lines. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param level the SLF4J level
         * @param logger the logger's name (a class name, mostly)
         * @param message the formatted message
         * @param failure the exception logged with it, or {@code null}
         */
        void log(Level level, String logger, String message, Throwable failure);
    }

    private static final Sink STDERR = (level, logger, message, failure) ->
            System.err.println(level + " [mqtt-broker] " + message + (failure == null ? "" : ": " + failure));

    private static volatile Sink sink = STDERR;
    private static volatile boolean verbose;
    private static volatile BrokerDrops drops;

    private final ILoggerFactory loggers = BrokerLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /**
     * Makes SLF4J use this provider, without SLF4J's own note on stderr that it does; call before anything logs
     * through SLF4J. A provider the user named with {@code -Dslf4j.provider} is left alone.
     */
    public static void install() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", BrokerLog.class.getName());
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    /** Sends the broker's log to {@code target}: warnings and errors, and with {@code verbose} also information. */
    public static void routeTo(Sink target, boolean verboseLogging) {
        sink = Objects.requireNonNull(target);
        verbose = verboseLogging;
    }

    /**
     * Counts the messages the broker drops in {@code target}, by the reason its event log names (a debug line, which
     * is counted, never printed).
     */
    public static void countDropsIn(BrokerDrops target) {
        drops = Objects.requireNonNull(target);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // Nothing to set up.
    }

    /** One named logger; the level check reads the current setting, so {@link #routeTo} applies at once. */
    private static final class BrokerLogger extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;

        private final boolean dropEvents;

        BrokerLogger(String name) {
            this.name = name;
            this.dropEvents = BrokerDrops.EVENT_LOGGER.equals(name);
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return dropEvents && drops != null;
        }

        @Override
        public boolean isInfoEnabled() {
            return verbose;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable failure) {
            if (level == Level.DEBUG || level == Level.TRACE) {
                // Only the drop events are enabled at debug: their last argument is the reason.
                BrokerDrops target = drops;
                if (dropEvents && target != null && arguments != null && arguments.length > 0) {
                    target.dropped(String.valueOf(arguments[arguments.length - 1]));
                }
                return;
            }
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            try {
                sink.log(level, name, message, failure);
            } catch (RuntimeException e) {
                STDERR.log(level, name, message, failure);
            }
        }
    }

    /** For tests: a logger of this provider, whether or not SLF4J chose it. */
    static Logger logger(String name) {
        return new BrokerLogger(name);
    }
}
