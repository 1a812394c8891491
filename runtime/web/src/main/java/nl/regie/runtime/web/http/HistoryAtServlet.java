package nl.regie.runtime.web.http;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.alert.Alert;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.alert.AlertBook;
import nl.regie.runtime.spi.alert.AlertFilter;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/history/at?time=&type=&bbox=&attrs=&lookBack=}: the city as it was at a time, for the page's time
 * slider. Per entity of the types, each attribute's last reading observed at or before {@code time}, no longer than
 * {@code lookBack} before it ({@link HistoryAtParameters}), found by {@link History#latest}; an attribute reported by
 * several sources shows the newest, as the city state does. And the alerts open at {@code time}: those the alert book
 * still keeps (the active ones and the last resolved ones) whose {@code validFrom} is at or before it and whose
 * {@code validTo} is after it, as they were last changed. Entities and alerts are as the caller may see them
 * ({@link PartyView}, the same as {@code /api/entities} and {@code /api/alerts}). At most {@value #MAX_SERIES}
 * attribute series in one answer (more is a 400 with the limit). Unsatisfied without the history bundle (404).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/history/at")
public class HistoryAtServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    /** The most attribute series one answer holds, over all its types. */
    static final int MAX_SERIES = HistoryAnswers.MAX_POINTS;

    private final transient History history;
    private final transient AlertBook alerts;
    private final transient AccessPolicy policy;
    private final transient Clock clock;

    /** Serves the history and the alerts, as the policy lets each caller see them. */
    @Activate
    public HistoryAtServlet(@Reference History history, @Reference AlertBook alerts,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy) {
        this(history, alerts, policy, Clock.systemUTC());
    }

    HistoryAtServlet(History history, AlertBook alerts, AccessPolicy policy, Clock clock) {
        this.history = history;
        this.alerts = alerts;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HistoryAtParameters p;
        try {
            p = HistoryAtParameters.parse(request.getParameterMap(), clock.instant());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        List<Series> series;
        try {
            series = latest(p);
        } catch (HistoryLimitException e) {
            Json.problem(response, 400, "Bad Request", "parameters 'type', 'bbox' and 'attrs': the city at this time"
                    + " holds more than " + MAX_SERIES + " attribute series; ask for fewer types, a smaller area or"
                    + " fewer attributes", request.getRequestURI(), Map.of("limit", MAX_SERIES));
            return;
        } catch (IllegalStateException e) {
            response.setHeader("Retry-After", "5");
            Json.problem(response, 503, "Service Unavailable", e.getMessage(), request.getRequestURI());
            return;
        }
        PartyView view = PartyView.of(Caller.of(request), policy);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("time", p.time().toString());
        body.put("lookBack", p.lookBack().toString());
        body.put("from", p.from().toString());
        body.put("types", p.types());
        body.put("entities", Json.entities(view.entities(entities(series))));
        body.put("alerts", openAlerts(p, view).stream().map(AlertsServlet::alert).toList());
        Json.write(response, 200, body);
    }

    /** Each series' last reading in the look-back, over every type, within the answer's limit. */
    private List<Series> latest(HistoryAtParameters p) {
        List<Series> all = new ArrayList<>();
        for (String type : p.types()) {
            int left = MAX_SERIES - all.size();
            List<Series> found = history.latest(HistoryQuery.ofType(type, p.bbox(), p.attributes(), p.from(),
                    p.until(), null, Aggregate.LAST, Math.max(left, 1)));
            if (found.size() > left) {
                throw new HistoryLimitException(MAX_SERIES);
            }
            all.addAll(found);
        }
        return all;
    }

    /** The series as entities: per attribute the newest reading of its sources; located where the series were. */
    static List<EntityState> entities(List<Series> series) {
        Map<EntityId, Map<String, AttributeState>> attributes = new LinkedHashMap<>();
        Map<EntityId, Location> locations = new LinkedHashMap<>();
        Map<EntityId, Instant> updated = new LinkedHashMap<>();
        for (Series s : series) {
            if (s.points().isEmpty()) {
                continue;
            }
            Point last = s.points().get(s.points().size() - 1);
            Map<String, AttributeState> of = attributes.computeIfAbsent(s.entity(), e -> new LinkedHashMap<>());
            AttributeState known = of.get(s.attribute());
            if (known == null || last.time().isAfter(known.observedAt())) {
                of.put(s.attribute(), new AttributeState(last.value(), s.unit(), last.time(), s.source()));
            }
            if (s.location() != null) {
                locations.putIfAbsent(s.entity(), s.location());
            }
            updated.merge(s.entity(), last.time(), (a, b) -> a.isAfter(b) ? a : b);
        }
        List<EntityState> entities = new ArrayList<>(attributes.size());
        attributes.forEach((id, of) -> entities.add(new EntityState(id, locations.get(id), of, updated.get(id))));
        return entities;
    }

    /** The alerts kept that were open at the time, within the area, that the caller may see. */
    private List<Alert> openAlerts(HistoryAtParameters p, PartyView view) {
        Instant time = p.time();
        return alerts.query(new AlertFilter(AlertFilter.State.ALL, null, null), 0, Integer.MAX_VALUE).alerts()
                .stream()
                .filter(a -> !a.validFrom().isAfter(time) && (a.validTo() == null || a.validTo().isAfter(time)))
                .filter(a -> p.bbox() == null || a.location() != null && p.bbox().contains(a.location()))
                .filter(view::sees)
                .toList();
    }
}
