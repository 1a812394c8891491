package nl.regie.runtime.web.http;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.alert.Alert;
import nl.regie.api.model.EntityId;
import nl.regie.runtime.spi.alert.AlertBook;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/alerts?state=active|resolved|all&category=&source=&limit=&offset=} (active alerts by default: most
 * severe first, then newest; resolved ones most recently resolved first) and {@code GET /api/alerts/{key}} or
 * {@code GET /api/alerts/urn:ngsi-ld:Alert:{key}} for one (the active alert with that key, else the most recently
 * resolved one still kept). A caller other than the operator sees an alert when its token reads type {@code Alert}
 * and the policy lets its party see the raising plugin's alerts; another is 404 to it, like an unknown one.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/alerts", "/api/alerts/*"})
public class AlertsServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final transient AlertBook alerts;
    private final transient AccessPolicy policy;

    /** Serves the runtime's alerts, as the policy lets each caller see them. */
    @Activate
    public AlertsServlet(@Reference AlertBook alerts, @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy) {
        this.alerts = alerts;
        this.policy = policy;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            list(request, response);
        } else {
            one(path.substring(1), request, response);
        }
    }

    private void one(String keyOrUrn, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String key;
        try {
            key = key(keyOrUrn);
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        Optional<Alert> alert = alerts.find(key).filter(PartyView.of(Caller.of(request), policy)::sees);
        if (alert.isEmpty()) {
            Json.problem(response, 404, "Not Found", "no alert " + key + " is known (or it was resolved long ago)",
                    request.getRequestURI());
            return;
        }
        Json.write(response, 200, alert(alert.get()));
    }

    /** The key of an alert named by its key or its URN. */
    static String key(String keyOrUrn) {
        if (keyOrUrn.startsWith(EntityId.URN_PREFIX)) {
            EntityId id = EntityId.parse(keyOrUrn);
            if (!id.type().equals(Alert.ENTITY_TYPE)) {
                throw new IllegalArgumentException("'" + keyOrUrn + "' is not an alert: an alert's URN is "
                        + EntityId.URN_PREFIX + Alert.ENTITY_TYPE + ":{key}");
            }
            keyOrUrn = id.localId();
        }
        if (!KEY.matcher(keyOrUrn).matches()) {
            throw new IllegalArgumentException("alert key '" + keyOrUrn
                    + "' must be 1 to 128 letters, digits, '.', '_' or '-' (or the alert's URN)");
        }
        return keyOrUrn;
    }

    private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AlertQuery query;
        try {
            query = AlertQuery.parse(request.getParameterMap());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        PartyView view = PartyView.of(Caller.of(request), policy);
        List<Alert> page;
        int total;
        if (view.unfiltered()) {
            AlertBook.Page stored = alerts.query(query.filter(), query.offset(), query.limit());
            page = stored.alerts();
            total = stored.total();
        } else {
            List<Alert> visible = alerts.query(query.filter(), 0, Integer.MAX_VALUE).alerts().stream()
                    .filter(view::sees).toList();
            total = visible.size();
            page = visible.subList(Math.min(query.offset(), total), (int) Math.min((long) query.offset() + query.limit(),
                    total));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", total);
        body.put("offset", query.offset());
        body.put("limit", query.limit());
        body.put("alerts", page.stream().map(AlertsServlet::alert).toList());
        Json.write(response, 200, body);
    }

    /** An alert as JSON; {@code location} is {@code [lon, lat]} or null, {@code validTo} null while active. */
    static Map<String, Object> alert(Alert alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", alert.id().toString());
        json.put("key", alert.key());
        json.put("category", alert.category());
        json.put("subCategory", alert.subCategory());
        json.put("severity", alert.severity().modelName());
        json.put("description", alert.description());
        json.put("about", alert.about() == null ? null : alert.about().toString());
        json.put("location", alert.location() == null ? null
                : List.of(alert.location().longitude(), alert.location().latitude()));
        json.put("validFrom", time(alert.validFrom()));
        json.put("validTo", time(alert.validTo()));
        json.put("updatedAt", time(alert.updatedAt()));
        json.put("source", alert.source());
        json.put("active", alert.active());
        return json;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
