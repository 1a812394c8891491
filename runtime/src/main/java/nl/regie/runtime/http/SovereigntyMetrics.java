package nl.regie.runtime.http;

import java.util.Map;

import nl.regie.runtime.audit.AuditReader;
import nl.regie.runtime.policy.PolicyComponent;
import nl.regie.runtime.scope.ScopeGuards;

/**
 * The data-sovereignty part of {@code GET /metrics}: refusals of plugins acting outside their declared scope, readings
 * the policy withheld, the policy version in force and audit events lost. Each source may be missing (null), and then
 * its families are absent. Plugins and readers (plugin symbolic names, token names) are as many as are installed or
 * configured, so they are labels as they are.
 */
final class SovereigntyMetrics {

    private SovereigntyMetrics() {
    }

    /** Writes the families of the sources present. */
    static void write(PrometheusWriter out, ScopeGuards scopes, PolicyComponent policy, AuditReader audit) {
        if (scopes != null) {
            PrometheusWriter.Family refusals = out.counter("regie_scope_refusals_total",
                    "Actions of a plugin refused for being outside its declared scope, by plugin and kind: publish,"
                            + " subscribe, actuate, or declare (a scope the runtime could not read). Every refusal is"
                            + " counted; the audit log has the first of each kind and topic pattern, filter or type.");
            for (Map.Entry<String, Map<String, Long>> plugin : scopes.refusalsByPluginAndKind().entrySet()) {
                plugin.getValue().forEach((kind, count) -> refusals.sample(count, "plugin", plugin.getKey(),
                        "kind", kind));
            }
        }
        if (policy != null) {
            out.gauge("regie_policy_version",
                    "The version of the data-sharing policy in force: one more with each policy applied since the"
                            + " runtime started (a refused policy does not count).").sample(policy.version());
            PrometheusWriter.Family denied = out.counter("regie_policy_denied_reads_total",
                    "Readings of another party withheld from a reader by the policy, by reader (plugin or token).");
            policy.deniedReads().forEach((reader, count) -> denied.sample(count, "reader", reader));
        }
        if (audit != null) {
            out.counter("regie_audit_events_lost_total",
                    "Audit events that could not be written (queue full or disk failure) since the log was opened.")
                    .sample(audit.lost());
        }
    }
}
