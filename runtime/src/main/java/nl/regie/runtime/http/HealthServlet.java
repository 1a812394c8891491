package nl.regie.runtime.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.monitor.BusMonitor;
import nl.regie.api.state.CityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /health}: {@code UP} when the runtime and every plugin are well, {@code DEGRADED} (still HTTP 200:
 * the runtime serves) with the list of problems when a plugin is not active, a component failed or a
 * subscriber is quarantined. The servlet only exists while the bus and the city state do, so a runtime
 * without them answers 404, which monitoring reads as down.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/health")
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient BusMonitor bus;
    private final transient CityState cityState;
    private final transient PluginInventory inventory;

    /** Reports on the given bus, city state and plugins. */
    @Activate
    public HealthServlet(@Reference BusMonitor bus, @Reference CityState cityState, @Reference PluginInventory inventory) {
        this.bus = bus;
        this.cityState = cityState;
        this.inventory = inventory;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<String> problems = new ArrayList<>();
        List<PluginInventory.PluginView> plugins = inventory.plugins();
        plugins.forEach(p -> problems.addAll(p.problems()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", problems.isEmpty() ? "UP" : "DEGRADED");
        body.put("problems", problems);
        body.put("plugins", plugins.size());
        body.put("subscribers", bus.subscribers().size());
        body.put("published", bus.published());
        body.put("entities", cityState.size());
        Json.write(response, 200, body);
    }
}
