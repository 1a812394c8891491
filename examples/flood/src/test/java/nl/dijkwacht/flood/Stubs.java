package nl.dijkwacht.flood;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

import org.osgi.service.log.Logger;

/** Stand-ins for what the framework hands the component: its configuration and its logger. */
final class Stubs {

    private Stubs() {
    }

    /**
     * A configuration as DS would build it from {@code values} (keyed by the dotted names, for example
     * {@code sandbag.points}); absent keys take the defaults declared in {@link FloodWatcher.Config}.
     */
    static FloodWatcher.Config config(Map<String, Object> values) {
        return (FloodWatcher.Config) Proxy.newProxyInstance(Stubs.class.getClassLoader(),
                new Class<?>[] {FloodWatcher.Config.class}, (proxy, method, args) -> {
                    String key = method.getName().replace('_', '.');
                    return values.containsKey(key) ? values.get(key) : method.getDefaultValue();
                });
    }

    /** A logger that records "LEVEL message" lines, with {} placeholders filled in. */
    static final class RecordingLog {
        final List<String> lines = new ArrayList<>();
        final Logger logger = (Logger) Proxy.newProxyInstance(Stubs.class.getClassLoader(),
                new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                    if (method.getReturnType() == boolean.class) {
                        return true;
                    }
                    if (method.getReturnType() == String.class) {
                        return "test";
                    }
                    if (args != null && args.length > 0 && args[0] instanceof String format) {
                        String line = format;
                        Object[] rest = args.length > 1 && args[1] instanceof Object[] array ? array
                                : Arrays.copyOfRange(args, 1, args.length);
                        for (Object arg : rest) {
                            line = line.replaceFirst("\\{}", Matcher.quoteReplacement(String.valueOf(arg)));
                        }
                        lines.add(method.getName().toUpperCase(Locale.ROOT) + " " + line);
                    }
                    return null;
                });

        List<String> at(String level) {
            return lines.stream().filter(line -> line.startsWith(level + " ")).toList();
        }
    }
}
