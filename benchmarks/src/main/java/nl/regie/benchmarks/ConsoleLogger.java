package nl.regie.benchmarks;

import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

import org.osgi.service.log.Logger;

/**
 * An OSGi {@link Logger} for the runtime's parts a harness runs without a framework: it prints the lines of the levels
 * it is given ({@code info}, {@code warn}, {@code error}, {@code audit}, ...) on a stream, {@code {}} placeholders
 * filled in order, and drops the rest.
 */
public final class ConsoleLogger {

    private ConsoleLogger() {
    }

    /** A logger named {@code name} that prints the lines of {@code levels} on {@code out}. */
    public static Logger create(String name, PrintStream out, Set<String> levels) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String level = method.getName();
                    if (levels.contains(level) && args != null && args.length > 0 && args[0] instanceof String format) {
                        Object[] values = args.length == 2 && args[1] instanceof Object[] v ? v
                                : Arrays.copyOfRange(args, 1, args.length);
                        StringBuilder line = new StringBuilder(level.toUpperCase(Locale.ROOT)).append(' ');
                        int from = 0;
                        int next = 0;
                        for (int at = format.indexOf("{}"); at >= 0 && next < values.length;
                                at = format.indexOf("{}", from)) {
                            line.append(format, from, at).append(values[next++]);
                            from = at + 2;
                        }
                        out.println(line.append(format.substring(from)));
                        return null;
                    }
                    return switch (level) {
                        case "getName" -> name;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "ConsoleLogger " + name;
                        default -> level.startsWith("is") && level.endsWith("Enabled")
                                ? Boolean.valueOf(levels.contains(enabledLevel(level))) : null;
                    };
                });
    }

    /** {@code warn} for {@code isWarnEnabled}. */
    private static String enabledLevel(String method) {
        return method.substring(2, method.length() - "Enabled".length()).toLowerCase(Locale.ROOT);
    }
}
