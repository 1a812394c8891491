package nl.regie.runtime.web.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;
import nl.regie.runtime.spi.history.TemporalRepresentation;
import nl.regie.runtime.web.json.Json;

/**
 * The answers of {@code GET /api/entities/{id}/history} and {@code GET /api/history}: the history's series, only
 * those the caller may see ({@link PartyView#sees}), as Regie's JSON or the NGSI-LD temporal representation. The work
 * is bounded: at most {@value #MAX_POINTS} points in one answer (more is a 400 naming the range, the bucket and the
 * attributes), and the history bounds the rows it aggregates.
 */
final class HistoryAnswers {

    /** The most points one answer holds, across its series. */
    static final int MAX_POINTS = 50_000;

    private HistoryAnswers() {
    }

    /** One entity's history. */
    static void entity(History history, EntityId id, HistoryParameters p, PartyView view, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        List<Series> series = run(history, HistoryQuery.ofEntity(id, p.attributes(), p.from(), p.to(), p.bucket(),
                p.aggregate(), MAX_POINTS), view, request, response);
        if (series == null) {
            return;
        }
        if (p.temporal()) {
            Json.write(response, 200, temporal(id, series));
            return;
        }
        Map<String, Object> body = header(p);
        body.put("id", id.toString());
        body.put("type", id.type());
        body.put("attributes", attributes(series));
        Json.write(response, 200, body);
    }

    /** A type's history within an area: one entry per entity. */
    static void area(History history, HistoryParameters p, PartyView view, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        List<Series> series = run(history, HistoryQuery.ofType(p.type(), p.bbox(), p.attributes(), p.from(), p.to(),
                p.bucket(), p.aggregate(), MAX_POINTS), view, request, response);
        if (series == null) {
            return;
        }
        Map<EntityId, List<Series>> byEntity = new LinkedHashMap<>();
        series.forEach(s -> byEntity.computeIfAbsent(s.entity(), e -> new ArrayList<>()).add(s));
        List<Map<String, Object>> entities = new ArrayList<>();
        for (Map.Entry<EntityId, List<Series>> e : byEntity.entrySet()) {
            if (p.temporal()) {
                entities.add(temporal(e.getKey(), e.getValue()));
            } else {
                Map<String, Object> entity = new LinkedHashMap<>();
                entity.put("id", e.getKey().toString());
                entity.put("attributes", attributes(e.getValue()));
                entities.add(entity);
            }
        }
        if (p.temporal()) {
            Json.write(response, 200, entities);
            return;
        }
        Map<String, Object> body = header(p);
        body.put("type", p.type());
        body.put("entities", entities);
        Json.write(response, 200, body);
    }

    /** The visible series of a query, or null when a problem was written. */
    private static List<Series> run(History history, HistoryQuery query, PartyView view, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        try {
            return history.query(query).stream().filter(view::sees).toList();
        } catch (HistoryLimitException e) {
            Json.problem(response, 400, "Bad Request", "parameters 'from', 'to', 'bucket' and 'attrs': " + e.getMessage(),
                    request.getRequestURI(), Map.of("limit", e.limit()));
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
        } catch (IllegalStateException e) {
            response.setHeader("Retry-After", "5");
            Json.problem(response, 503, "Service Unavailable", e.getMessage(), request.getRequestURI());
        }
        return null;
    }

    private static Map<String, Object> header(HistoryParameters p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", p.from().toString());
        body.put("to", p.to().toString());
        if (p.bucket() != null) {
            body.put("bucket", p.bucket().toString());
            body.put("aggregate", p.aggregate().parameter());
        }
        return body;
    }

    private static List<Map<String, Object>> attributes(List<Series> series) {
        List<Map<String, Object>> attributes = new ArrayList<>(series.size());
        for (Series s : series) {
            Map<String, Object> attribute = new LinkedHashMap<>();
            attribute.put("name", s.attribute());
            attribute.put("unit", s.unit());
            attribute.put("source", s.source());
            List<Object[]> points = new ArrayList<>(s.points().size());
            for (Point point : s.points()) {
                points.add(new Object[] {point.time().toString(), point.value().asObject()});
            }
            attribute.put("points", points);
            attributes.add(attribute);
        }
        return attributes;
    }

    /** The NGSI-LD temporal representation, normalized ({@link TemporalRepresentation}, shared with NGSI-LD). */
    static Map<String, Object> temporal(EntityId id, List<Series> series) {
        return TemporalRepresentation.entity(id, series, UnaryOperator.identity(), 0, false);
    }
}
