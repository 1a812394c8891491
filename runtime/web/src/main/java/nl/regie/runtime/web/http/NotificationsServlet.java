package nl.regie.runtime.web.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.notify.Audience;
import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.Notification;
import nl.regie.runtime.spi.notify.NotificationLog;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/notifications?limit=&offset=}: the notifications the runtime's recording notifier kept (the last
 * few hundred), newest first, each with what the notifier plugins reported of its delivery. A caller other than the
 * operator sees the notifications sent by plugins of its party.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/notifications")
public class NotificationsServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;
    private static final List<String> KNOWN = List.of("limit", "offset");

    private final transient NotificationLog recorder;
    private final transient AccessPolicy policy;

    /** Serves what the recording notifier kept; each caller sees what plugins of its party sent. */
    @Activate
    public NotificationsServlet(@Reference NotificationLog recorder, @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy) {
        this.recorder = recorder;
        this.policy = policy;
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
        Caller caller = Caller.of(request);
        List<Notification> page;
        int total;
        if (caller.operator()) {
            NotificationLog.Page kept = recorder.page(offset, limit);
            page = kept.notifications();
            total = kept.total();
        } else {
            List<Notification> own = recorder.page(0, Integer.MAX_VALUE).notifications().stream()
                    .filter(n -> policy.partyOfPlugin(n.source()).equals(caller.party())).toList();
            total = own.size();
            page = own.subList(Math.min(offset, total), (int) Math.min((long) offset + limit, total));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", total);
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("notifications", page.stream().map(n -> {
            Map<String, Object> json = notification(n);
            json.put("deliveries", recorder.deliveries(n.id()).stream().map(NotificationsServlet::delivery).toList());
            return json;
        }).toList());
        Json.write(response, 200, body);
    }

    /** A notifier's delivery report as JSON: counts and the last failure's reason, never a resident. */
    static Map<String, Object> delivery(NotificationLog.Delivery delivery) {
        DeliveryReport report = delivery.report();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("notifier", delivery.notifier());
        json.put("channel", report.channel());
        json.put("recipients", report.recipients());
        json.put("queued", report.queued());
        json.put("sent", report.sent());
        json.put("delivered", report.delivered());
        json.put("failed", report.failed());
        json.put("lastFailure", report.lastFailure());
        json.put("reportedAt", delivery.reportedAt().toString());
        return json;
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
