package nl.regie.runtime.web.http;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;
import nl.regie.runtime.spi.lifecycle.PluginRecord;
import nl.regie.runtime.spi.monitor.BusMonitor;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.json.Json;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The plugins, through the plugin lifecycle:
 * <ul>
 * <li>{@code GET /api/plugins}: every plugin with its version, state, health, previous version, last outcome, DS
 * components and bus subscriptions;</li>
 * <li>{@code GET /api/plugins/{symbolicName}}: one, with its {@code history} (a removed plugin answers 404 with its
 * history);</li>
 * <li>{@code POST /api/plugins} with a jar as the body: installs it, 201 with the outcome and a {@code Location};</li>
 * <li>{@code PUT /api/plugins/{symbolicName}} with a jar: updates, health-gated: 200 with the outcome when promoted,
 * 422 (a problem carrying the outcome) when it was rolled back;</li>
 * <li>{@code POST /api/plugins/{symbolicName}/rollback}: back to the previous version, answered like a PUT;</li>
 * <li>{@code DELETE /api/plugins/{symbolicName}}: removes it, 200 with the outcome.</li>
 * </ul>
 * A jar is sent as {@code application/java-archive} or {@code application/octet-stream}, at most
 * {@value #MAX_JAR_BYTES} bytes (see {@link PluginUpload}). A refusal is a problem with the lifecycle's message as
 * {@code detail} and its {@code reason} (see {@link LifecycleProblems} for the status of each).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/plugins", "/api/plugins/*"})
public class PluginsServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    /** The largest jar accepted: 64 MiB. */
    static final long MAX_JAR_BYTES = 64L * 1024 * 1024;
    /** The origin the lifecycle records for operations from here. */
    static final String ORIGIN = "HTTP";
    private static final String ROLLBACK = "rollback";
    /** A symbolic name: OSGi's token characters, with dots. */
    private static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");

    private final transient PluginLifecycle lifecycle;
    private final transient Supplier<List<PluginInventory.PluginView>> inventory;
    private final transient PluginUpload upload;
    /** Who signed each plugin and the party its key acts for; the operator's policy once it runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AccessPolicy policy;

    /** Serves the given lifecycle, with components and subscriptions from the inventory. */
    @Activate
    public PluginsServlet(@Reference PluginLifecycle lifecycle, @Reference BusMonitor bus,
            @Reference ServiceComponentRuntime scr, BundleContext context) {
        this(lifecycle, new PluginInventory(context, bus, scr)::plugins, new PluginUpload(MAX_JAR_BYTES, null));
    }

    PluginsServlet(PluginLifecycle lifecycle, Supplier<List<PluginInventory.PluginView>> inventory, PluginUpload upload) {
        this.lifecycle = lifecycle;
        this.inventory = inventory;
        this.upload = upload;
    }

    /** For tests: with the policy that says who signed each plugin and the party its key acts for. */
    PluginsServlet(PluginLifecycle lifecycle, Supplier<List<PluginInventory.PluginView>> inventory, PluginUpload upload,
            AccessPolicy policy) {
        this(lifecycle, inventory, upload);
        this.policy = policy;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String path = request.getPathInfo() == null || request.getPathInfo().equals("/") ? "" : request.getPathInfo().substring(1);
        String[] parts = path.isEmpty() ? new String[0] : path.split("/", -1);
        String uri = request.getRequestURI();
        if (parts.length > 2 || (parts.length == 2 && !parts[1].equals(ROLLBACK))) {
            Json.problem(response, 404, "Not Found", "no such resource " + uri + "; a plugin is /api/plugins/{symbolicName},"
                    + " its rollback /api/plugins/{symbolicName}/rollback", uri);
            return;
        }
        if (parts.length > 0 && !SYMBOLIC_NAME.matcher(parts[0]).matches()) {
            Json.problem(response, 400, "Bad Request", "'" + parts[0] + "' is not a bundle symbolic name (letters, digits,"
                    + " '.', '-' and '_')", uri);
            return;
        }
        switch (parts.length + ":" + method) {
            case "0:GET", "0:HEAD" -> Json.write(response, 200, Map.of("plugins", plugins()));
            case "0:POST" -> install(request, response);
            case "1:GET", "1:HEAD" -> one(parts[0], response, uri);
            case "1:PUT" -> update(parts[0], request, response);
            case "1:DELETE" -> change(response, uri, () -> lifecycle.remove(parts[0], ORIGIN));
            case "2:POST" -> change(response, uri, () -> lifecycle.rollback(parts[0], ORIGIN));
            default -> {
                String allow = switch (parts.length) {
                    case 0 -> "GET, HEAD, POST";
                    case 1 -> "GET, HEAD, PUT, DELETE";
                    default -> "POST";
                };
                response.setHeader("Allow", allow);
                Json.problem(response, 405, "Method Not Allowed", method + " is not supported on " + uri + "; use " + allow,
                        uri);
            }
        }
    }

    private List<Map<String, Object>> plugins() {
        Map<Long, PluginInventory.PluginView> views = views();
        AccessPolicy signers = policy;
        return lifecycle.list().stream().map(p -> PluginJson.plugin(p, views.get(p.bundleId()), signers)).toList();
    }

    private void one(String symbolicName, HttpServletResponse response, String uri) throws IOException {
        Optional<PluginRecord> plugin = lifecycle.status(symbolicName);
        List<HistoryEntry> history = lifecycle.history(symbolicName);
        if (plugin.isEmpty()) {
            Json.problem(response, 404, "Not Found", history.isEmpty() ? "no plugin " + symbolicName + " is installed"
                    : "no plugin " + symbolicName + " is installed; it was removed (its history is kept)", uri,
                    history.isEmpty() ? Map.of() : Map.of("history", PluginJson.history(history)));
            return;
        }
        Map<String, Object> json = PluginJson.plugin(plugin.get(), views().get(plugin.get().bundleId()), policy);
        json.put("history", PluginJson.history(history));
        Json.write(response, 200, json);
    }

    private void install(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Path jar = upload.receive(request, response);
        if (jar == null) {
            return;
        }
        try {
            Outcome outcome = lifecycle.install(jar, ORIGIN);
            String location = request.getContextPath() + request.getServletPath() + "/" + outcome.symbolicName();
            response.setHeader("Location", location);
            Json.write(response, 201, PluginJson.outcome(outcome));
        } catch (LifecycleException e) {
            LifecycleProblems.write(response, e, request.getRequestURI());
        } finally {
            PluginUpload.discard(jar);
        }
    }

    private void update(String symbolicName, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Path jar = upload.receive(request, response);
        if (jar == null) {
            return;
        }
        try {
            change(response, request.getRequestURI(), () -> lifecycle.update(symbolicName, jar, ORIGIN));
        } finally {
            PluginUpload.discard(jar);
        }
    }

    /** A lifecycle operation on one plugin: 200 with its outcome, 422 when it was rolled back, a problem when refused. */
    private void change(HttpServletResponse response, String uri, Operation operation) throws IOException {
        Outcome outcome;
        try {
            outcome = operation.run();
        } catch (LifecycleException e) {
            LifecycleProblems.write(response, e, uri);
            return;
        }
        if (outcome.result() == Outcome.Result.ROLLED_BACK) {
            Map<String, Object> extensions = new LinkedHashMap<>();
            extensions.put("outcome", PluginJson.outcome(outcome));
            Json.problem(response, 422, "Unprocessable Content", outcome.reason(), uri, extensions);
            return;
        }
        Json.write(response, 200, PluginJson.outcome(outcome));
    }

    private Map<Long, PluginInventory.PluginView> views() {
        return inventory.get().stream()
                .collect(Collectors.toMap(PluginInventory.PluginView::bundleId, Function.identity(), (a, b) -> a));
    }

    /** An operation on the lifecycle. */
    @FunctionalInterface
    private interface Operation {
        Outcome run() throws LifecycleException;
    }
}
