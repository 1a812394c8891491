package nl.regie.benchmarks.recovery;

import java.lang.reflect.Proxy;
import java.util.Set;

import org.osgi.service.log.Logger;

/** An OSGi {@link Logger} that prints information, warnings and errors on stdout ({@code {}} placeholders filled in order). */
final class ConsoleLogger {

    private static final Set<String> SHOWN = Set.of("info", "warn", "error");

    private ConsoleLogger() {
    }

    static Logger create() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (SHOWN.contains(name) && args != null && args.length > 0 && args[0] instanceof String format) {
                        Object[] values = args.length == 2 && args[1] instanceof Object[] v ? v
                                : java.util.Arrays.copyOfRange(args, 1, args.length);
                        StringBuilder line = new StringBuilder(name.toUpperCase()).append(' ');
                        int from = 0;
                        int next = 0;
                        for (int at = format.indexOf("{}"); at >= 0 && next < values.length; at = format.indexOf("{}", from)) {
                            line.append(format, from, at).append(values[next++]);
                            from = at + 2;
                        }
                        System.out.println(line.append(format.substring(from)));
                        return null;
                    }
                    return switch (name) {
                        case "getName" -> "recovery";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "ConsoleLogger";
                        default -> name.startsWith("is")
                                ? Boolean.valueOf(name.equals("isWarnEnabled") || name.equals("isErrorEnabled")) : null;
                    };
                });
    }
}
