package nl.regie.runtime.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/entities/{id}} and {@code GET /api/entities?type=T&near=lon,lat,metres&bbox=w,s,e,n&limit=&offset=}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/entities", "/api/entities/*"})
public class EntitiesServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient CityState cityState;

    /** Serves the given city state. */
    @Activate
    public EntitiesServlet(@Reference CityState cityState) {
        this.cityState = cityState;
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

    private void one(String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        EntityId entityId;
        try {
            entityId = EntityId.parse(id);
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        Optional<EntityState> entity = cityState.entity(entityId);
        if (entity.isEmpty()) {
            Json.problem(response, 404, "Not Found", "no entity " + entityId + " is known", request.getRequestURI());
            return;
        }
        Json.write(response, 200, Json.entity(entity.get()));
    }

    private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
        EntityQuery query;
        try {
            query = EntityQuery.parse(request.getParameterMap());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        List<EntityState> matches = query.run(cityState);
        List<EntityState> page = matches.subList(Math.min(query.offset(), matches.size()),
                Math.min(query.offset() + query.limit(), matches.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", matches.size());
        body.put("offset", query.offset());
        body.put("limit", query.limit());
        body.put("entities", Json.entities(page));
        Json.write(response, 200, body);
    }
}
