package nl.regie.runtime.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.monitor.SubscriberInfo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code GET /api/plugins}: each plugin with its state, components and subscriptions with their counters. */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/plugins")
public class PluginsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PluginInventory inventory;

    /** Serves the given inventory. */
    @Activate
    public PluginsServlet(@Reference PluginInventory inventory) {
        this.inventory = inventory;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<Map<String, Object>> plugins = inventory.plugins().stream().map(PluginsServlet::plugin).toList();
        Json.write(response, 200, Map.of("plugins", plugins));
    }

    private static Map<String, Object> plugin(PluginInventory.PluginView plugin) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("symbolicName", plugin.symbolicName());
        json.put("version", plugin.version());
        json.put("bundleId", plugin.bundleId());
        json.put("state", plugin.state());
        json.put("location", plugin.location());
        json.put("healthy", plugin.healthy());
        json.put("problems", plugin.problems());
        json.put("components", plugin.components().stream().map(c -> {
            Map<String, Object> component = new LinkedHashMap<>();
            component.put("name", c.name());
            component.put("state", c.state());
            if (!c.failure().isEmpty()) {
                component.put("failure", c.failure());
            }
            return component;
        }).toList());
        json.put("subscriptions", plugin.subscriptions().stream().map(PluginsServlet::subscription).toList());
        return json;
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
