package nl.regie.testkit;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerConsumer;

/**
 * The OSGi {@link Logger} a plugin under test gets (what {@code @Reference(service = LoggerFactory.class) Logger}
 * injects in a running runtime): it keeps every line, with {@code {}} placeholders filled in as the Log Service does,
 * so a test can assert on what the plugin logged.
 */
public final class KitLog {

    /** One logged line. */
    public record Entry(String level, String message, Throwable exception) {
    }

    private final List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
    private final Logger logger;

    KitLog(String name) {
        this.logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> invoke(name, method, args));
    }

    /** The logger to hand the plugin. */
    public Logger logger() {
        return logger;
    }

    /** Every line so far. */
    public List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** The messages logged at a level: {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error}. */
    public List<String> messages(String level) {
        return entries().stream().filter(e -> e.level().equals(level)).map(Entry::message).toList();
    }

    /** The warnings and errors, as {@code "WARN message"} lines. */
    public List<String> problems() {
        return entries().stream().filter(e -> e.level().equals("warn") || e.level().equals("error"))
                .map(e -> e.level().toUpperCase(Locale.ROOT) + " " + e.message()).toList();
    }

    private Object invoke(String name, Method method, Object[] args) throws Throwable {
        String m = method.getName();
        switch (m) {
            case "getName":
                return name;
            case "toString":
                return "KitLog[" + name + "]";
            case "hashCode":
                return System.identityHashCode(logger);
            case "equals":
                return args[0] == logger;
            default:
                break;
        }
        if (m.startsWith("is") && m.endsWith("Enabled")) {
            return true;
        }
        if (args != null && args.length == 1 && args[0] instanceof LoggerConsumer<?> consumer) {
            @SuppressWarnings("unchecked")
            LoggerConsumer<Exception> c = (LoggerConsumer<Exception>) consumer;
            c.accept(logger);
            return null;
        }
        String format = args == null || args.length == 0 ? "" : String.valueOf(args[0]);
        Object[] rest = args == null || args.length < 2 ? new Object[0] : flatten(Arrays.copyOfRange(args, 1, args.length));
        Throwable exception = rest.length > 0 && rest[rest.length - 1] instanceof Throwable t ? t : null;
        entries.add(new Entry(m, fill(format, rest), exception));
        return null;
    }

    /** The varargs overloads pass an Object[] as the one argument after the format. */
    private static Object[] flatten(Object[] rest) {
        return rest.length == 1 && rest[0] instanceof Object[] array ? array : rest;
    }

    /** The Log Service's placeholder rule: each {} takes the next argument; \{} is a literal {}. */
    static String fill(String format, Object[] args) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '\\' && format.startsWith("{}", i + 1)) {
                out.append("{}");
                i += 2;
            } else if (c == '{' && format.startsWith("}", i + 1) && next < args.length) {
                out.append(args[next++]);
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
