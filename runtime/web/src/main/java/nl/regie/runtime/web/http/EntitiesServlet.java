package nl.regie.runtime.web.http;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.state.FullCityState;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/entities/{id}}, {@code GET /api/entities?type=T&near=lon,lat,metres&bbox=w,s,e,n&limit=&offset=}
 * and, with the history bundle, {@code GET /api/entities/{id}/history} ({@link HistoryParameters}).
 * A caller other than the operator gets only what its party may see ({@link PartyView}); an entity it may not see
 * is 404 to it, exactly like an unknown one.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/entities", "/api/entities/*"})
public class EntitiesServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;
    private static final String HISTORY = "/history";

    private final transient FullCityState cityState;
    private final transient AccessPolicy policy;
    private final transient Clock clock;

    /** The history, for {@code /api/entities/{id}/history}; absent without the history bundle (then 404). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    transient volatile History history;

    /** Serves the given city state, as the policy lets each caller see it. */
    @Activate
    public EntitiesServlet(@Reference FullCityState cityState, @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy) {
        this(cityState, policy, null, Clock.systemUTC());
    }

    /** Serves the city state and, if not null, the history, with {@code clock} as the default end of a range. */
    EntitiesServlet(FullCityState cityState, AccessPolicy policy, History history, Clock clock) {
        this.cityState = cityState;
        this.policy = policy;
        this.history = history;
        this.clock = clock;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            list(request, response);
        } else if (path.endsWith(HISTORY)) {
            history(path.substring(1, path.length() - HISTORY.length()), request, response);
        } else {
            one(path.substring(1), request, response);
        }
    }

    private void one(String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        EntityId entityId;
        try {
            entityId = EntityId.parse(id);
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        Optional<EntityState> entity = visible(entityId, PartyView.of(Caller.of(request), policy));
        if (entity.isEmpty()) {
            Json.problem(response, 404, "Not Found", "no entity " + entityId + " is known", request.getRequestURI());
            return;
        }
        Json.write(response, 200, Json.entity(entity.get(), cityState::staleAttributes));
    }

    /**
     * {@code GET /api/entities/{id}/history}: 404 without the history bundle, and for an entity neither the history
     * nor the city state knows, or that the caller may not see.
     */
    private void history(String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        History kept = history;
        if (kept == null) {
            Json.problem(response, 404, "Not Found", "the history is not installed in this runtime",
                    request.getRequestURI());
            return;
        }
        EntityId entityId;
        HistoryParameters parameters;
        try {
            entityId = EntityId.parse(id);
            parameters = HistoryParameters.entity(request.getParameterMap(), clock.instant());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        PartyView view = PartyView.of(Caller.of(request), policy);
        boolean known = view.unfiltered() ? kept.knows(entityId) || cityState.entity(entityId).isPresent()
                : visible(entityId, view).isPresent();
        if (!known) {
            Json.problem(response, 404, "Not Found", "no entity " + entityId + " is known", request.getRequestURI());
            return;
        }
        HistoryAnswers.entity(kept, entityId, parameters, view, request, response);
    }

    /** The entity as the caller may see it; a zone entity is made from the entities of its type. */
    private Optional<EntityState> visible(EntityId id, PartyView view) {
        Optional<EntityState> entity = cityState.entity(id);
        if (view.unfiltered()) {
            return entity;
        }
        List<EntityState> from = entity.isPresent() ? List.of(entity.get()) : cityState.byType(id.type());
        return view.entities(from).stream().filter(e -> e.id().equals(id)).findFirst();
    }

    private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
        EntityQuery query;
        try {
            query = EntityQuery.parse(request.getParameterMap());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        List<EntityState> matches = PartyView.of(Caller.of(request), policy).entities(query.run(cityState));
        List<EntityState> page = matches.subList(Math.min(query.offset(), matches.size()),
                Math.min(query.offset() + query.limit(), matches.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", matches.size());
        body.put("offset", query.offset());
        body.put("limit", query.limit());
        body.put("entities", Json.entities(page, cityState::staleAttributes));
        Json.write(response, 200, body);
    }
}
