package nl.regie.runtime.web.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.state.CityState;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryStatus;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;
import nl.regie.runtime.spi.lifecycle.PluginRecord;
import nl.regie.runtime.spi.monitor.BusMonitor;
import nl.regie.runtime.spi.state.FullCityState;
import nl.regie.runtime.web.json.Json;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /health}: {@code UP} when the runtime and every plugin are well, {@code DEGRADED} (still HTTP 200:
 * the runtime serves) with the list of problems when a plugin is not active, a component failed, a
 * subscriber is quarantined, a plugin's own {@link nl.regie.api.health.HealthCheck} says it is unhealthy, or an
 * earlier version of a plugin leaked, or the history is behind (its counters are under {@code history}). The servlet only exists while the bus and the city state do, so a runtime
 * without them answers 404, which monitoring reads as down.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/health")
public class HealthServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    private final transient BusMonitor bus;
    private final transient CityState cityState;
    private final transient PluginInventory inventory;

    /** What the plugins' own health checks say and what earlier versions leaked; absent without the lifecycle bundle. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile PluginLifecycle lifecycle;

    /** Reports on the given bus, city state and plugins. */
    @Activate
    public HealthServlet(@Reference BusMonitor bus, @Reference(service = FullCityState.class) CityState cityState,
            @Reference ServiceComponentRuntime scr, BundleContext context) {
        this(bus, cityState, new PluginInventory(context, bus, scr), null);
    }

    /** Whether the history keeps up; absent without the history bundle. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile History history;

    HealthServlet(BusMonitor bus, CityState cityState, PluginInventory inventory, PluginLifecycle lifecycle) {
        this.bus = bus;
        this.cityState = cityState;
        this.inventory = inventory;
        this.lifecycle = lifecycle;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // A set: the inventory and the lifecycle both see a failed component; the lifecycle adds what the plugins'
        // own health checks say and what an earlier version left behind.
        Set<String> problems = new LinkedHashSet<>();
        List<PluginInventory.PluginView> views = inventory.plugins();
        views.forEach(p -> problems.addAll(p.problems()));
        PluginLifecycle plugins = lifecycle;
        for (PluginRecord plugin : plugins == null ? List.<PluginRecord>of() : plugins.list()) {
            plugin.problems().forEach(problem -> problems.add(plugin.symbolicName() + ": " + problem));
            plugin.leaks().forEach(leak -> problems.add(plugin.symbolicName() + " leaks: " + leak));
        }
        History kept = history;
        HistoryStatus historyStatus = kept == null ? null : kept.status();
        if (historyStatus != null && !historyStatus.well()) {
            problems.add(historyStatus.problem());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", problems.isEmpty() ? "UP" : "DEGRADED");
        body.put("problems", List.copyOf(problems));
        body.put("plugins", views.size());
        body.put("subscribers", bus.subscribers().size());
        body.put("published", bus.published());
        body.put("entities", cityState.size());
        if (historyStatus != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("written", historyStatus.written());
            h.put("dropped", historyStatus.dropped());
            h.put("queued", historyStatus.queued());
            h.put("lagMillis", historyStatus.lagMillis());
            h.put("storeBytes", historyStatus.storeBytes());
            h.put("behind", !historyStatus.well());
            h.put("store", historyStatus.store());
            body.put("history", h);
        }
        Json.write(response, 200, body);
    }
}
