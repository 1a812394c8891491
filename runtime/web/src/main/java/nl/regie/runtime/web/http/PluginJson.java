package nl.regie.runtime.web.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.PluginRecord;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.json.Json;

/**
 * The JSON shape of plugins, outcomes and history entries in {@code /api/plugins}. Explicit maps, like {@link Json},
 * so that the wire format is stated here.
 */
final class PluginJson {

    private PluginJson() {
    }

    /**
     * A plugin: what the lifecycle knows of it, then its DS components and bus subscriptions (from the inventory,
     * when it lists the same bundle). Its own {@code state} comes before {@code components}, whose states follow.
     */
    static Map<String, Object> plugin(PluginRecord plugin, PluginInventory.PluginView view) {
        return plugin(plugin, view, null);
    }

    /**
     * A plugin as JSON, with the key that signed it ({@code signer}: its fingerprint, null when unsigned) and the party
     * that key acts for ({@code party}: null when none), as the policy sees them.
     */
    static Map<String, Object> plugin(PluginRecord plugin, PluginInventory.PluginView view, AccessPolicy policy) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("symbolicName", plugin.symbolicName());
        json.put("version", plugin.version());
        if (policy != null) {
            String party = policy.partyOfPlugin(plugin.symbolicName());
            json.put("signer", policy.keyOfPlugin(plugin.symbolicName()).orElse(null));
            json.put("party", AccessPolicy.NO_PARTY.equals(party) ? null : party);
        }
        json.put("bundleId", plugin.bundleId());
        json.put("state", plugin.state());
        if (view != null) {
            json.put("location", view.location());
        }
        // Healthy as /health counts it: what the lifecycle knows (components, health checks) and what the inventory
        // sees (a quarantined subscription), so that the two never disagree.
        List<String> problems = new ArrayList<>(plugin.problems() == null ? List.of() : plugin.problems());
        if (view != null) {
            view.problems().stream().filter(p -> !problems.contains(p)).forEach(problems::add);
        }
        json.put("healthy", plugin.healthy() && (view == null || view.healthy()));
        json.put("problems", problems);
        json.put("previousVersion", plugin.previousVersion());
        json.put("busy", plugin.busy());
        json.put("leaks", plugin.leaks() == null ? List.of() : plugin.leaks());
        json.put("lastOutcome", plugin.lastOutcome() == null ? null : outcome(plugin.lastOutcome()));
        json.put("components", view == null ? List.of() : view.components().stream().map(c -> {
            Map<String, Object> component = new LinkedHashMap<>();
            component.put("name", c.name());
            component.put("state", c.state());
            if (!c.failure().isEmpty()) {
                component.put("failure", c.failure());
            }
            return component;
        }).toList());
        json.put("subscriptions", view == null ? List.of() : view.subscriptions().stream().map(PluginJson::subscription).toList());
        return json;
    }

    /** What an operation did; {@code gapMillis} is the longest time readings were held. */
    static Map<String, Object> outcome(Outcome outcome) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("symbolicName", outcome.symbolicName());
        json.put("operation", outcome.operation().name());
        json.put("result", outcome.result().name());
        json.put("fromVersion", outcome.fromVersion());
        json.put("toVersion", outcome.toVersion());
        json.put("reason", outcome.reason() == null ? "" : outcome.reason());
        json.put("held", outcome.held());
        json.put("dropped", outcome.dropped());
        json.put("gapMillis", outcome.gap() == null ? 0 : outcome.gap().toMillis());
        json.put("leaks", outcome.leaks() == null ? List.of() : outcome.leaks());
        json.put("origin", outcome.origin());
        json.put("at", outcome.at() == null ? null : outcome.at().toString());
        return json;
    }

    /** A history entry: its outcome and the checksum of the jar that ran after it. */
    static Map<String, Object> history(HistoryEntry entry) {
        Map<String, Object> json = outcome(entry.outcome());
        json.put("sha256", entry.sha256());
        return json;
    }

    static List<Map<String, Object>> history(List<HistoryEntry> entries) {
        return entries.stream().map(PluginJson::history).toList();
    }

    private static Map<String, Object> subscription(SubscriberInfo s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", s.id());
        json.put("topicFilters", s.topicFilters());
        json.put("state", s.state().name());
        json.put("delivered", s.delivered());
        json.put("dropped", s.dropped());
        json.put("failed", s.failed());
        json.put("timedOut", s.timedOut());
        json.put("queueDepth", s.queueDepth());
        json.put("queueCapacity", s.queueCapacity());
        if (!s.lastFailure().isEmpty()) {
            json.put("lastFailure", s.lastFailure());
        }
        return json;
    }
}
