package nl.regie.launcher;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogLevel;

/**
 * Felix's own diagnostics (given to Felix as {@code felix.log.logger}) printed on the {@link ConsoleLog} in its
 * format, instead of Felix's default {@code ERROR: ...} lines on stdout.
 */
final class FrameworkLog extends Logger {

    private final ConsoleLog console;

    FrameworkLog(ConsoleLog console) {
        this.console = console;
    }

    @Override
    @SuppressWarnings("rawtypes") // Felix declares the raw type.
    protected void doLog(Bundle bundle, ServiceReference reference, int level, String message, Throwable failure) {
        Bundle source = bundle != null ? bundle : reference != null ? reference.getBundle() : null;
        console.print(level(level), source == null ? "framework" : ConsoleLog.name(source), message, failure);
    }

    @Override
    protected void doLog(int level, String message, Throwable failure) {
        console.print(level(level), "framework", message, failure);
    }

    private static LogLevel level(int felixLevel) {
        return switch (felixLevel) {
            case LOG_ERROR -> LogLevel.ERROR;
            case LOG_WARNING -> LogLevel.WARN;
            case LOG_INFO -> LogLevel.INFO;
            default -> LogLevel.DEBUG;
        };
    }
}
