package nl.regie.runtime.testing;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerConsumer;

/** A {@link Logger} for tests that keeps every entry, formatted as the OSGi Log Service formats {@code {}}. */
public final class RecordingLogger {

    /** One log call. */
    public record Entry(String level, String message, Throwable exception) {
    }

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "audit");

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final boolean echo;
    private final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> invoke(proxy, method, args));

    public RecordingLogger() {
        this(false);
    }

    public RecordingLogger(boolean echo) {
        this.echo = echo;
    }

    public Logger logger() {
        return logger;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public List<String> messages(String level) {
        return entries.stream().filter(e -> e.level().equals(level)).map(Entry::message).toList();
    }

    private Object invoke(Object proxy, Method method, Object[] args) throws Exception {
        String name = method.getName();
        if (LEVELS.contains(name)) {
            if (args[0] instanceof LoggerConsumer<?> consumer) {
                consumer.accept(logger);
            } else {
                record(name, args);
            }
            return null;
        }
        return switch (name) {
            case "getName" -> "test";
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "RecordingLogger";
            default -> name.startsWith("is") ? Boolean.TRUE : null;
        };
    }

    private void record(String level, Object[] args) {
        String format = (String) args[0];
        Object[] values = args.length == 2 && args[1] instanceof Object[] varargs ? varargs
                : Arrays.copyOfRange(args, 1, args.length);
        StringBuilder message = new StringBuilder();
        int next = 0;
        int from = 0;
        for (int at = format.indexOf("{}"); at >= 0 && next < values.length; at = format.indexOf("{}", from)) {
            message.append(format, from, at).append(values[next++]);
            from = at + 2;
        }
        message.append(format.substring(from));
        Throwable exception = next < values.length && values[values.length - 1] instanceof Throwable t ? t : null;
        entries.add(new Entry(level, message.toString(), exception));
        if (echo) {
            System.out.println(level.toUpperCase() + " " + message + (exception == null ? "" : " " + exception));
        }
    }
}
