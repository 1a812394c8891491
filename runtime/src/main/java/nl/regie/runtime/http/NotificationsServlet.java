package nl.regie.runtime.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.notify.Audience;
import nl.regie.api.notify.Notification;
import nl.regie.runtime.notify.RecordingNotifier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/notifications?limit=&offset=}: the notifications the runtime's recording notifier kept (the last
 * few hundred), newest first.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/notifications")
public class NotificationsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final List<String> KNOWN = List.of("limit", "offset");

    private final transient RecordingNotifier recorder;

    /** Serves what the recording notifier kept. */
    @Activate
    public NotificationsServlet(@Reference RecordingNotifier recorder) {
        this.recorder = recorder;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int limit;
        int offset;
        try {
            QueryParameters.checkKnown(request.getParameterMap(), KNOWN);
            limit = QueryParameters.limit(request.getParameterMap());
            offset = QueryParameters.offset(request.getParameterMap());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        RecordingNotifier.Page page = recorder.page(offset, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", page.total());
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("notifications", page.notifications().stream().map(NotificationsServlet::notification).toList());
        Json.write(response, 200, body);
    }

    /** A notification as JSON. */
    static Map<String, Object> notification(Notification notification) {
        Audience audience = notification.audience();
        Map<String, Object> to = new LinkedHashMap<>();
        to.put("center", List.of(audience.center().longitude(), audience.center().latitude()));
        to.put("radiusMetres", audience.radiusMetres());
        to.put("description", audience.description());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", notification.id());
        json.put("subject", notification.subject());
        json.put("message", notification.message());
        json.put("audience", to);
        json.put("about", notification.about() == null ? null : notification.about().toString());
        json.put("source", notification.source());
        json.put("sentAt", notification.sentAt().toString());
        return json;
    }
}
