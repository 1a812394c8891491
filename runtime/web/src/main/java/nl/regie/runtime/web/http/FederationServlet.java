package nl.regie.runtime.web.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.federation.FederationStatus;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/federation}: this site's link to the shared broker (state, since when, last error, queue, rates,
 * lag), what each export and import rule carried, and what was refused from the wire, by reason, with the last
 * refusal. Operator only (the access filter's rule for {@code /api}). Without the federation part of the runtime this
 * servlet is not there (404).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/federation")
public class FederationServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    private final transient FederationStatus federation;

    /** Serves the federation's status. */
    @Activate
    public FederationServlet(@Reference FederationStatus federation) {
        this.federation = federation;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getParameterMap().isEmpty()) {
            Json.problem(response, 400, "Bad Request", "/api/federation takes no parameters, was given "
                    + String.join(", ", request.getParameterMap().keySet()), request.getRequestURI());
            return;
        }
        Json.write(response, 200, body(federation.snapshot()));
    }

    static Map<String, Object> body(FederationStatus.Snapshot snapshot) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("site", snapshot.site());
        body.put("enabled", snapshot.enabled());
        body.put("policyVersion", snapshot.policy());
        FederationStatus.Link link = snapshot.link();
        Map<String, Object> linkBody = new LinkedHashMap<>();
        linkBody.put("broker", link.broker());
        linkBody.put("state", link.state());
        linkBody.put("since", link.since() == null ? null : link.since().toString());
        linkBody.put("lastError", link.lastError());
        linkBody.put("queued", link.queued());
        linkBody.put("queueCapacity", link.queueCapacity());
        linkBody.put("sent", link.sent());
        linkBody.put("received", link.received());
        linkBody.put("sentPerSecond", link.sentPerSecond());
        linkBody.put("receivedPerSecond", link.receivedPerSecond());
        linkBody.put("lagMillis", link.lagMillis() < 0 ? null : link.lagMillis());
        linkBody.put("connectionsRefused", link.connectionsRefused());
        body.put("links", List.of(linkBody));
        body.put("exports", counts(snapshot.exports(), "rule", "exported"));
        body.put("imports", counts(snapshot.imports(), "rule", "imported"));
        Map<String, Object> refusals = new LinkedHashMap<>();
        for (String reason : FederationStatus.REASONS) {
            refusals.put(reason, snapshot.refusals().getOrDefault(reason, 0L));
        }
        body.put("refused", refusals);
        body.put("dropped", snapshot.dropped());
        FederationStatus.Refusal last = snapshot.lastRefusal();
        if (last != null) {
            Map<String, Object> lastBody = new LinkedHashMap<>();
            lastBody.put("time", last.time().toString());
            lastBody.put("site", last.site());
            lastBody.put("topic", last.topic());
            lastBody.put("reason", last.reason());
            lastBody.put("detail", last.detail());
            body.put("lastRefusal", lastBody);
        } else {
            body.put("lastRefusal", null);
        }
        return body;
    }

    private static List<Map<String, Object>> counts(Map<String, Long> counts, String key, String count) {
        return counts.entrySet().stream().map(e -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(key, e.getKey());
            row.put(count, e.getValue());
            return row;
        }).toList();
    }
}
