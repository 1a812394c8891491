package nl.regie.runtime.web.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.metrics.MetricSource;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /metrics}: the runtime's counters in the Prometheus text format (0.0.4), collected from every
 * {@link MetricSource} the runtime's bundles register (a whiteboard: the bus, the city state, the device bridge,
 * actuation, alerts, notifications, the live stream, scopes, the policy and the audit log each register what they
 * measure), in the order of their {@value MetricSource#ORDER} property, then the JVM's own figures. A part that is not
 * installed has no families on the page. A source that fails is skipped and named in a comment line, so one broken
 * part never takes the page down. Counters restart from zero with the runtime.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/metrics")
public class MetricsServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    /** The sources, by their order and then service id. */
    private final transient Map<SourceKey, MetricSource> sources = new ConcurrentSkipListMap<>(
            Comparator.comparingInt(SourceKey::order).thenComparingLong(SourceKey::serviceId));

    private record SourceKey(int order, long serviceId) {
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(MetricSource source, Map<String, Object> properties) {
        sources.put(key(properties), source);
    }

    void removeSource(MetricSource source, Map<String, Object> properties) {
        sources.remove(key(properties));
    }

    private static SourceKey key(Map<String, Object> properties) {
        int order = properties.get(MetricSource.ORDER) instanceof Integer i ? i : 0;
        return new SourceKey(order, (Long) properties.get(Constants.SERVICE_ID));
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
        StringBuilder failures = new StringBuilder();
        for (MetricSource source : List.copyOf(sources.values())) {
            try {
                source.collect(out);
            } catch (RuntimeException e) {
                failures.append("# a metric source failed: ").append(source.getClass().getName()).append(": ")
                        .append(String.valueOf(e.getMessage()).replace('\n', ' ')).append('\n');
            }
        }
        jvm(out);
        return out.text() + failures;
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
