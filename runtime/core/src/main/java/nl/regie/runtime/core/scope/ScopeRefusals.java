package nl.regie.runtime.core.scope;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The refusals of each plugin: every one counted per kind ({@code publish}, {@code subscribe}, {@code actuate},
 * {@code declare}), and which of them are worth an audit record. A plugin looping on the same refused action must
 * not fill the audit log, so only the first refusal of each kind and key (a topic pattern {@code Type/+/attribute},
 * a filter, an entity type) is audited per plugin version; a new version of the plugin starts over. At most
 * {@link #maxKeys} keys are remembered per plugin; past that, new refusals are counted only (the one that reaches the
 * limit is audited with a note saying so). Thread-safe.
 */
final class ScopeRefusals {

    /** Keys remembered per plugin by default. */
    static final int DEFAULT_MAX_KEYS = 2_000;

    /** Whether a refusal is audited. */
    enum Audit {
        /** The first of its kind and key: audit it. */
        FIRST,
        /** The first that did not fit in the plugin's memory: audit it, saying that further new ones are not. */
        LAST,
        /** Already audited, or past the limit: count only. */
        NO
    }

    private final int maxKeys;
    private final ConcurrentHashMap<String, OfPlugin> plugins = new ConcurrentHashMap<>();

    ScopeRefusals(int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("at least one refusal key must be remembered per plugin: " + maxKeys);
        }
        this.maxKeys = maxKeys;
    }

    int maxKeys() {
        return maxKeys;
    }

    /**
     * Counts a refusal and says whether to audit it.
     *
     * @param plugin  the plugin's symbolic name
     * @param version the plugin's version: a new one forgets what was audited for the previous one
     * @param kind    what was refused: publish, subscribe, actuate or declare
     * @param key     what it was refused on, as it is deduplicated: topic pattern, filter or entity type
     */
    Audit count(String plugin, String version, String kind, String key) {
        OfPlugin of = plugins.computeIfAbsent(plugin, p -> new OfPlugin());
        of.counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
        return of.audit(version, kind + ' ' + key, maxKeys);
    }

    /** Refusals so far, per plugin, then per kind, sorted by name. */
    Map<String, Map<String, Long>> byPluginAndKind() {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        plugins.forEach((plugin, of) -> {
            Map<String, Long> byKind = new TreeMap<>();
            of.counts.forEach((kind, count) -> byKind.put(kind, count.sum()));
            counts.put(plugin, byKind);
        });
        return counts;
    }

    /** One plugin's refusals so far, per kind, sorted; empty if it had none. */
    Map<String, Long> byKind(String plugin) {
        OfPlugin of = plugins.get(plugin);
        if (of == null) {
            return Map.of();
        }
        Map<String, Long> byKind = new TreeMap<>();
        of.counts.forEach((kind, count) -> byKind.put(kind, count.sum()));
        return byKind;
    }

    /** Refusals so far, per plugin, sorted by name. */
    Map<String, Long> byPlugin() {
        Map<String, Long> counts = new TreeMap<>();
        plugins.forEach((plugin, of) -> counts.put(plugin,
                of.counts.values().stream().mapToLong(LongAdder::sum).sum()));
        return counts;
    }

    /** One plugin's counts, and the keys audited for its current version. */
    private static final class OfPlugin {
        final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
        private String version;
        private final Set<String> audited = new HashSet<>();
        private boolean full;

        synchronized Audit audit(String pluginVersion, String key, int maxKeys) {
            if (!pluginVersion.equals(version)) {
                version = pluginVersion;
                audited.clear();
                full = false;
            }
            if (audited.contains(key) || full) {
                return Audit.NO;
            }
            if (audited.size() < maxKeys) {
                audited.add(key);
                return Audit.FIRST;
            }
            full = true;
            return Audit.LAST;
        }
    }
}
