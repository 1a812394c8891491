package nl.regie.runtime.ngsild.temporal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.runtime.ngsild.http.MediaTypes;
import nl.regie.runtime.ngsild.http.NgsiLdServlet;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.spi.access.HttpCaller;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;
import nl.regie.runtime.spi.history.TemporalRepresentation;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.VisibleSeries;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * {@code GET /ngsi-ld/v1/temporal/entities?type=&timerel=&timeAt=&endTimeAt=&attrs=&lastN=&options=} and
 * {@code GET /ngsi-ld/v1/temporal/entities/{id}}: the history store's series ({@link History}) in the NGSI-LD temporal
 * representation ({@link TemporalRepresentation}, shared with {@code /api/history}), normalized, simplified
 * ({@code temporalValues}) or aggregated ({@code aggregatedValues}: one history query per method, in buckets of
 * {@code aggrPeriodDuration}, each value {@code [value, start, end]}). Only the series the caller may see: its token
 * reads the entity type, and its party's view passes the series as it is ({@link VisibleSeries}, the rule of
 * {@code /api/history}). Unsatisfied without the history bundle, so the path is then 404.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/ngsi-ld/v1/temporal/entities", "/ngsi-ld/v1/temporal/entities/*"})
public final class TemporalServlet extends NgsiLdServlet {

    private static final long serialVersionUID = 1L;
    /** The most points one answer holds, across its series. */
    static final int MAX_POINTS = 50_000;

    private final transient History history;
    private final transient AccessPolicy policy;
    private final transient Clock clock;

    @Activate
    public TemporalServlet(@Reference History history,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy,
            @Reference(service = LoggerFactory.class) Logger log) {
        this(history, policy, log, Clock.systemUTC());
    }

    TemporalServlet(History history, AccessPolicy policy, Logger log, Clock clock) {
        super(Contexts.shipped(), log);
        this.history = history;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    protected void handle(String method, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!method.equals("GET")) {
            throw notAllowed(response, method, "GET");
        }
        HttpCaller caller = caller(request);
        String mediaType = MediaTypes.answer(request.getHeader("Accept"));
        LdContext names = linkContext(request);
        List<String> path = segments(request);
        if (path.size() > 1) {
            throw NgsiLdException.badData("'" + String.join("/", path) + "' is not an entity id");
        }
        TemporalQuery query = TemporalQuery.parse(request.getParameterMap(), names, path.size() == 1,
                clock.instant());
        ReadView view = caller.operator() ? null : policy.readView(caller.party(), caller.name());
        Object context = contextValue(mediaType, names);
        if (path.size() == 1) {
            EntityId id;
            try {
                id = EntityId.parse(path.get(0));
            } catch (IllegalArgumentException e) {
                throw NgsiLdException.badData("'" + path.get(0) + "' is not an entity id: " + e.getMessage());
            }
            List<Series> series = caller.operator() || caller.mayRead(id.type())
                    ? visible(HistoryQuery.ofEntity(id, query.attrs(), query.from(), query.to(), null, Aggregate.LAST,
                            MAX_POINTS), view) : List.of();
            if (series.isEmpty()) {
                throw NgsiLdException.notFound("no history of " + id + " that you may see in this range");
            }
            Map<String, Object> entity = represent(id, series, query, names, view);
            if (context != null) {
                entity.put("@context", context);
            }
            answer(response, 200, mediaType, names, entity);
            return;
        }
        List<Map<String, Object>> entities = new ArrayList<>();
        int total = 0;
        if (caller.operator() || caller.mayRead(query.type())) {
            Map<EntityId, List<Series>> byEntity = new TreeMap<>();
            for (Series s : visible(HistoryQuery.ofType(query.type(), null, query.attrs(), query.from(), query.to(),
                    null, Aggregate.LAST, MAX_POINTS), view)) {
                String id = s.entity().toString();
                if (!query.ids().isEmpty() && !query.ids().contains(id)
                        || query.idPattern() != null && !query.idPattern().matcher(id).find()) {
                    continue;
                }
                byEntity.computeIfAbsent(s.entity(), e -> new ArrayList<>()).add(s);
            }
            total = byEntity.size();
            for (Map.Entry<EntityId, List<Series>> e : byEntity.entrySet()) {
                if (entities.size() == query.limit()) {
                    break;
                }
                Map<String, Object> entity = represent(e.getKey(), e.getValue(), query, names, view);
                if (context != null) {
                    entity.put("@context", context);
                }
                entities.add(entity);
            }
        }
        if (query.count()) {
            response.setHeader("NGSILD-Results-Count", Integer.toString(total));
        }
        answer(response, 200, mediaType, names, entities);
    }

    /** One entity in the representation asked for. */
    private Map<String, Object> represent(EntityId id, List<Series> raw, TemporalQuery query, LdContext names,
            ReadView view) {
        if (query.aggregates().isEmpty()) {
            return TemporalRepresentation.entity(id, raw, names::term, query.lastN(), query.simplified());
        }
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("id", id.toString());
        entity.put("type", names.term(id.type()));
        java.util.Set<String> attributes = new java.util.TreeSet<>();
        raw.forEach(s -> attributes.add(s.attribute()));
        Map<String, Map<String, Object>> byAttribute = new LinkedHashMap<>();
        for (String attribute : attributes) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("type", "Property");
            byAttribute.put(attribute, a);
        }
        for (Map.Entry<String, Aggregate> method : query.aggregates().entrySet()) {
            List<Series> buckets = visible(HistoryQuery.ofEntity(id, attributes, query.from(), query.to(),
                    query.period(), method.getValue(), MAX_POINTS), view);
            for (Map.Entry<String, List<Point>> e : TemporalRepresentation.byAttribute(buckets).entrySet()) {
                List<Object[]> values = new ArrayList<>();
                List<Point> points = e.getValue();
                if (query.lastN() > 0 && points.size() > query.lastN()) {
                    points = points.subList(points.size() - query.lastN(), points.size());
                }
                for (Point p : points) {
                    values.add(new Object[] {p.value().asObject(), p.time().toString(),
                        p.time().plus(query.period()).toString()});
                }
                byAttribute.get(e.getKey()).put(method.getKey(), values);
            }
        }
        byAttribute.forEach((attribute, a) -> entity.put(names.term(attribute), a));
        return entity;
    }

    private List<Series> visible(HistoryQuery query, ReadView view) {
        try {
            return history.query(query).stream().filter(s -> VisibleSeries.sees(s, view)).toList();
        } catch (HistoryLimitException e) {
            throw new NgsiLdException(ProblemType.TOO_COMPLEX_QUERY, "the answer would hold more than "
                    + e.limit() + " points: narrow the range (timerel), the attributes (attrs), or use lastN or"
                    + " aggregatedValues");
        } catch (IllegalArgumentException e) {
            throw NgsiLdException.badData(e.getMessage());
        } catch (IllegalStateException e) {
            throw new NgsiLdException(ProblemType.INTERNAL_ERROR, "the history store cannot answer now: "
                    + e.getMessage());
        }
    }
}
