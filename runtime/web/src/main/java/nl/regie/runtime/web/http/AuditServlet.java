package nl.regie.runtime.web.http;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditQuery;
import nl.regie.runtime.spi.audit.AuditReader;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/audit?kind=&actor=&party=&since=&limit=}: the audit log, newest first. {@code kind} is one of
 * {@value #KINDS_TEXT}; {@code since} an ISO-8601 instant such as {@code 2026-11-28T03:00:00Z}; {@code limit} 1 to
 * {@value QueryParameters#MAX_LIMIT}, default {@value QueryParameters#DEFAULT_LIMIT}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/audit")
public class AuditServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;
    static final String KINDS_TEXT = "scope, read, policy, plugin, command, access, device, service, limit, config,"
            + " federation";
    private static final List<String> KINDS = List.of(AuditEvent.SCOPE, AuditEvent.READ, AuditEvent.POLICY,
            AuditEvent.PLUGIN, AuditEvent.COMMAND, AuditEvent.ACCESS, AuditEvent.DEVICE, AuditEvent.SERVICE,
            AuditEvent.LIMIT, AuditEvent.CONFIG, AuditEvent.FEDERATION);
    private static final List<String> PARAMETERS = List.of("kind", "actor", "party", "since", "limit");

    private final transient AuditReader audit;

    /** Serves the runtime's audit log. */
    @Activate
    public AuditServlet(@Reference AuditReader audit) {
        this.audit = audit;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuditQuery query;
        try {
            query = query(request.getParameterMap());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        List<AuditEvent> events = audit.read(query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", events.size());
        body.put("limit", query.limit());
        body.put("lost", audit.lost());
        body.put("events", events.stream().map(AuditEvent::fields).toList());
        Json.write(response, 200, body);
    }

    /** The query the parameters ask for; an IllegalArgumentException names the bad parameter. */
    static AuditQuery query(Map<String, String[]> parameters) {
        QueryParameters.checkKnown(parameters, PARAMETERS);
        String kind = QueryParameters.single(parameters, "kind");
        if (kind != null && !KINDS.contains(kind)) {
            throw new IllegalArgumentException("parameter 'kind' must be one of " + KINDS_TEXT + ", was '" + kind + "'");
        }
        String since = QueryParameters.single(parameters, "since");
        Instant from = null;
        if (since != null) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("parameter 'since' must be an ISO-8601 instant such as"
                        + " 2026-11-28T03:00:00Z, was '" + since + "'", e);
            }
        }
        return new AuditQuery(kind, QueryParameters.single(parameters, "actor"),
                QueryParameters.single(parameters, "party"), from, QueryParameters.limit(parameters));
    }
}
