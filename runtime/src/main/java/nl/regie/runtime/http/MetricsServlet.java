package nl.regie.runtime.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.actuation.CommandState;
import nl.regie.api.alert.Alert;
import nl.regie.api.monitor.SubscriberInfo;
import nl.regie.api.state.CityState;
import nl.regie.runtime.actuation.CommandCounts;
import nl.regie.runtime.alert.AlertService;
import nl.regie.runtime.audit.AuditReader;
import nl.regie.runtime.bus.BusEngineService;
import nl.regie.runtime.mqtt.DeviceDirectory;
import nl.regie.runtime.mqtt.DeviceSnapshot;
import nl.regie.runtime.notify.NotificationDispatcher;
import nl.regie.runtime.policy.PolicyComponent;
import nl.regie.runtime.scope.ScopeGuards;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /metrics}: the runtime's counters in the Prometheus text format (0.0.4). The bus and the city state
 * are required; the MQTT bridge, actuation, alerts and notifications are followed as they come and go, and while
 * one is missing its metrics are simply absent. Counters restart from zero with the runtime.
 *
 * <p>Devices announce their own entity type, so the ingest metrics are per device type with at most
 * {@value #MAX_LABEL_VALUES} types (the rest are summed under {@code other}, a device that announced none is
 * {@code unknown}); alert categories are bounded the same way. They are sums over the devices the bridge knows
 * now. The live stream's metrics ({@code regie_stream_*}) come from this bundle's {@link StreamServlet}; data
 * sovereignty ({@code regie_scope_*}, {@code regie_policy_*}, {@code regie_audit_*}) from the scope guards, the policy
 * and the audit log, each optional too.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/metrics")
public class MetricsServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    /** The most distinct values of a label taken from data (device types, alert categories). */
    static final int MAX_LABEL_VALUES = 100;

    private final transient BusEngineService bus;
    private final transient CityState cityState;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile DeviceDirectory devices;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile CommandCounts commands;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile AlertService alerts;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile NotificationDispatcher notifications;

    /** The live stream's servlet (this bundle's {@link StreamServlet}), for its clients and counters. */
    @Reference(service = Servlet.class, target = "(osgi.http.whiteboard.servlet.pattern=/api/stream)",
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile Servlet stream;

    /** Data sovereignty, see {@link SovereigntyMetrics}: scope refusals, denied reads, policy version, lost audit. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile ScopeGuards scopeGuards;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile PolicyComponent policyComponent;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile AuditReader auditReader;

    /** Reports on the given bus and city state, and on the optional services as SCR sets them. */
    @Activate
    public MetricsServlet(@Reference BusEngineService bus, @Reference CityState cityState) {
        this.bus = bus;
        this.cityState = cityState;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = page().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(PrometheusWriter.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body);
    }

    /** The whole page. */
    String page() {
        PrometheusWriter out = new PrometheusWriter();
        bus(out);
        out.gauge("regie_entities", "Entities in the city state.").sample(cityState.size());
        DeviceDirectory directory = devices;
        if (directory != null) {
            ingest(out, directory);
        }
        CommandCounts commandCounts = commands;
        if (commandCounts != null) {
            commands(out, commandCounts.commandCounts());
        }
        AlertService alertService = alerts;
        if (alertService != null) {
            alerts(out, alertService.active());
        }
        NotificationDispatcher dispatcher = notifications;
        if (dispatcher != null) {
            notifications(out, dispatcher);
        }
        if (stream instanceof StreamServlet streamServlet) {
            stream(out, streamServlet.hub());
        }
        SovereigntyMetrics.write(out, scopeGuards, policyComponent, auditReader);
        jvm(out);
        return out.text();
    }

    private void bus(PrometheusWriter out) {
        PrometheusWriter.Family published = out.counter("regie_bus_published_total", "Readings published on the bus.");
        new TreeMap<>(bus.publishedBy()).forEach((publisher, count) -> published.sample(count, "publisher", publisher));
        List<SubscriberInfo> subscribers = bus.subscribers();
        out.gauge("regie_bus_subscribers", "Open bus subscriptions.").sample(subscribers.size());
        for (SubscriberInfo s : subscribers) {
            String[] labels = {"plugin", s.bundleSymbolicName(), "subscription", Long.toString(s.id())};
            out.counter("regie_bus_subscriber_delivered_total", "Readings delivered to a subscriber without error.")
                    .sample(s.delivered(), labels);
            out.counter("regie_bus_subscriber_dropped_total",
                    "Readings dropped for a subscriber: queue full, quarantined, or parked and never taken over.")
                    .sample(s.dropped(), labels);
            out.counter("regie_bus_subscriber_failed_total", "Deliveries to a subscriber that threw or timed out.")
                    .sample(s.failed(), labels);
            out.counter("regie_bus_subscriber_timed_out_total", "Deliveries to a subscriber that timed out.")
                    .sample(s.timedOut(), labels);
            out.gauge("regie_bus_subscriber_queue_depth", "Readings waiting in a subscriber's queue.")
                    .sample(s.queueDepth(), labels);
            out.gauge("regie_bus_subscriber_queue_capacity", "The bound of a subscriber's queue.")
                    .sample(s.queueCapacity(), labels);
            out.gauge("regie_bus_subscriber_state", "A subscriber's state: 1 for the state it is in.")
                    .sample(1, "plugin", s.bundleSymbolicName(), "subscription", Long.toString(s.id()),
                            "state", s.state().name());
        }
    }

    private static void ingest(PrometheusWriter out, DeviceDirectory directory) {
        DeviceDirectory.BridgeInfo bridge = directory.bridge();
        out.gauge("regie_ingest_bridge_enabled", "1 if an MQTT broker is configured.").sample(bridge.enabled() ? 1 : 0);
        out.gauge("regie_ingest_bridge_connected", "1 if the MQTT bridge is connected.").sample(bridge.connected() ? 1 : 0);
        out.counter("regie_ingest_messages_received_total", "MQTT messages received on the device topics.")
                .sample(bridge.messagesReceived());
        out.counter("regie_ingest_unroutable_total",
                "MQTT messages on a malformed topic or device id, or from devices beyond the limit.")
                .sample(bridge.unroutable());
        Map<String, long[]> byType = new TreeMap<>();
        Map<String, Long> byState = new TreeMap<>();
        for (DeviceSnapshot device : directory.devices()) {
            String type = device.type() == null || device.type().isEmpty() ? "unknown" : device.type();
            if (!byType.containsKey(type) && byType.size() >= MAX_LABEL_VALUES) {
                type = "other";
            }
            long[] sums = byType.computeIfAbsent(type, t -> new long[3]);
            sums[0] += device.counts().telemetryAccepted();
            sums[1] += device.counts().telemetryRejected();
            sums[2] += device.counts().readingsPublished();
            byState.merge(device.state(), 1L, Long::sum);
        }
        PrometheusWriter.Family devicesByState = out.gauge("regie_ingest_devices", "Devices the bridge knows, by state.");
        byState.forEach((state, count) -> devicesByState.sample(count, "state", state));
        PrometheusWriter.Family accepted = out.counter("regie_ingest_packs_accepted_total",
                "Telemetry packs accepted, by device type (of the devices known now).");
        PrometheusWriter.Family rejected = out.counter("regie_ingest_packs_rejected_total",
                "Telemetry packs rejected, by device type (of the devices known now).");
        PrometheusWriter.Family readings = out.counter("regie_ingest_readings_published_total",
                "Readings the bridge published on the bus, by device type (of the devices known now).");
        byType.forEach((type, sums) -> {
            accepted.sample(sums[0], "device_type", type);
            rejected.sample(sums[1], "device_type", type);
            readings.sample(sums[2], "device_type", type);
        });
    }

    private static void commands(PrometheusWriter out, Map<CommandState, Long> counts) {
        out.gauge("regie_commands_in_progress", "Commands accepted and not yet ended.")
                .sample(counts.getOrDefault(CommandState.ACCEPTED, 0L));
        PrometheusWriter.Family ended = out.counter("regie_commands_total", "Commands ended, by outcome.");
        for (CommandState state : CommandState.values()) {
            if (state.isFinal()) {
                ended.sample(counts.getOrDefault(state, 0L), "outcome", state.name());
            }
        }
    }

    private static void alerts(PrometheusWriter out, List<Alert> active) {
        Map<String, Long> byCategory = new TreeMap<>();
        for (Alert alert : active) {
            String category = alert.category();
            if (!byCategory.containsKey(category) && byCategory.size() >= MAX_LABEL_VALUES) {
                category = "other";
            }
            byCategory.merge(category, 1L, Long::sum);
        }
        PrometheusWriter.Family family = out.gauge("regie_alerts_active", "Active alerts, by category.");
        byCategory.forEach((category, count) -> family.sample(count, "category", category));
        if (byCategory.isEmpty()) {
            family.sample(0);
        }
    }

    private static void notifications(PrometheusWriter out, NotificationDispatcher dispatcher) {
        out.counter("regie_notifications_accepted_total", "Notifications taken for delivery.").sample(dispatcher.accepted());
        out.counter("regie_notifications_delivered_total", "Deliveries of a notification to a notifier that succeeded.")
                .sample(dispatcher.delivered());
        out.counter("regie_notifications_failed_total", "Deliveries that threw, or were skipped for a stuck notifier.")
                .sample(dispatcher.failed());
        out.counter("regie_notifications_timed_out_total", "Deliveries that ran out of time.")
                .sample(dispatcher.timedOut());
        out.counter("regie_notifications_dropped_total", "Notifications dropped: queue full or dispatcher stopped.")
                .sample(dispatcher.dropped());
        out.gauge("regie_notifications_queued", "Notifications waiting.").sample(dispatcher.queued());
    }

    static void stream(PrometheusWriter out, StreamHub hub) {
        out.gauge("regie_stream_clients", "Clients connected to the live stream (/api/stream).").sample(hub.size());
        out.gauge("regie_stream_queued_events", "Events waiting in the stream clients' queues.").sample(hub.queuedEvents());
        out.counter("regie_stream_events_sent_total", "Events written to stream clients.").sample(hub.eventsSent());
        out.counter("regie_stream_resyncs_total",
                "Stream client queue overflows: the queue was cleared and a resync event sent.").sample(hub.resyncs());
        out.counter("regie_stream_clients_dropped_total", "Stream clients dropped for falling behind.")
                .sample(hub.dropped());
    }

    private static void jvm(PrometheusWriter out) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.gauge("regie_jvm_heap_used_bytes", "Heap in use.").sample(heap.getUsed());
        out.gauge("regie_jvm_heap_committed_bytes", "Heap committed by the JVM.").sample(heap.getCommitted());
        if (heap.getMax() >= 0) {
            out.gauge("regie_jvm_heap_max_bytes", "The most heap the JVM will use.").sample(heap.getMax());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.gauge("regie_jvm_threads", "Live threads.").sample(threads.getThreadCount());
        out.gauge("regie_jvm_threads_daemon", "Live daemon threads.").sample(threads.getDaemonThreadCount());
        out.gauge("regie_jvm_threads_peak", "The most live threads at once.").sample(threads.getPeakThreadCount());
        out.gauge("regie_uptime_seconds", "Seconds since the JVM started.")
                .sample(ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }
}
