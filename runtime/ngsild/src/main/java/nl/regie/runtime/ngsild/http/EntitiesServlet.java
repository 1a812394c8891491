package nl.regie.runtime.ngsild.http;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.model.Format;
import nl.regie.runtime.ngsild.model.Representation;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.query.EntityQuery;
import nl.regie.runtime.ngsild.write.Provision;
import nl.regie.runtime.spi.access.HttpCaller;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.state.FullCityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * {@code /ngsi-ld/v1/entities}: query ({@code GET}) and create ({@code POST}); {@code /entities/{id}}: retrieve
 * ({@code GET}) and delete ({@code DELETE}); {@code /entities/{id}/attrs}: append ({@code POST}) and update
 * ({@code PATCH}); {@code /entities/{id}/attrs/{attr}}: update ({@code PATCH}) and delete ({@code DELETE}).
 * A caller reads what {@code /api/entities} shows it ({@link PartyFilter}) and writes through {@link Provision}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/ngsi-ld/v1/entities", "/ngsi-ld/v1/entities/*"})
public final class EntitiesServlet extends NgsiLdServlet {

    private static final long serialVersionUID = 1L;

    private final transient FullCityState city;
    private final transient AccessPolicy policy;
    private final transient Provision provision;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AuditLog audit;

    /** Serves the city state as the policy lets each caller see it, and writes on the bus. */
    @Activate
    public EntitiesServlet(@Reference FullCityState city, @Reference RuntimeBus bus,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy,
            @Reference(service = LoggerFactory.class) Logger log) {
        this(city, bus, policy, Clock.systemUTC(), log);
    }

    EntitiesServlet(FullCityState city, RuntimeBus bus, AccessPolicy policy, Clock clock, Logger log) {
        super(Contexts.shipped(), log);
        this.city = city;
        this.policy = policy;
        this.provision = new Provision(city, bus, policy, clock);
    }

    @Override
    protected AuditLog audit() {
        return audit;
    }

    @Override
    protected void handle(String method, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        List<String> path = segments(request);
        HttpCaller caller = caller(request);
        PartyFilter filter = PartyFilter.of(caller, policy);
        if (path.isEmpty()) {
            switch (method) {
                case "GET", "HEAD" -> query(request, response, filter);
                case "POST" -> create(request, response, filter);
                default -> throw notAllowed(response, method, "GET, HEAD, POST");
            }
            return;
        }
        EntityId id = Provision.parseId(path.get(0));
        if (path.size() == 1) {
            switch (method) {
                case "GET", "HEAD" -> retrieve(id, request, response, filter);
                case "DELETE" -> {
                    provision.delete(filter.writer(), id);
                    noContent(response);
                }
                default -> throw notAllowed(response, method, "GET, HEAD, DELETE");
            }
        } else if (path.size() == 2 && path.get(1).equals("attrs")) {
            switch (method) {
                case "POST", "PATCH" -> attrs(id, method.equals("POST"), request, response, filter);
                default -> throw notAllowed(response, method, "POST, PATCH");
            }
        } else if (path.size() == 3 && path.get(1).equals("attrs")) {
            switch (method) {
                case "PATCH" -> {
                    Body body = body(request);
                    provision.patchAttribute(filter.writer(), id, body.context().regieName(path.get(2)), body.json());
                    noContent(response);
                }
                case "DELETE" -> {
                    provision.deleteAttribute(filter.writer(), id, linkContext(request).regieName(path.get(2)));
                    noContent(response);
                }
                default -> throw notAllowed(response, method, "PATCH, DELETE");
            }
        } else {
            throw NgsiLdException.notFound("no such resource: " + request.getRequestURI());
        }
    }

    private void query(HttpServletRequest request, HttpServletResponse response, PartyFilter filter)
            throws IOException {
        String mediaType = MediaTypes.answer(request.getHeader("Accept"));
        LdContext context = linkContext(request);
        EntityQuery query = EntityQuery.parse(request.getParameterMap(), context);
        List<EntityState> matches = new ArrayList<>();
        for (EntityState entity : filter.visible(query.candidates(city))) {
            if (query.matches(entity)) {
                matches.add(entity);
            }
        }
        Object ld = contextValue(mediaType, context);
        List<Map<String, Object>> body = new ArrayList<>();
        for (EntityState entity : query.page(matches)) {
            body.add(Representation.entity(entity, query.format(), context, query.attrs(), ld));
        }
        if (query.count()) {
            response.setHeader("NGSILD-Results-Count", Integer.toString(matches.size()));
        }
        answer(response, 200, mediaType, context, body);
    }

    private void retrieve(EntityId id, HttpServletRequest request, HttpServletResponse response, PartyFilter filter)
            throws IOException {
        String mediaType = MediaTypes.answer(request.getHeader("Accept"));
        LdContext context = linkContext(request);
        Map<String, String[]> parameters = request.getParameterMap();
        for (String name : parameters.keySet()) {
            if (!Set.of("attrs", "options", "format", "local", "lang").contains(name)) {
                throw NgsiLdException.badData("unknown parameter '" + name + "' for retrieving an entity; known are"
                        + " attrs, options, format");
            }
        }
        Format format = Format.of(single(parameters, "options"), single(parameters, "format"));
        Set<String> attrs = null;
        String attrsText = single(parameters, "attrs");
        if (attrsText != null) {
            attrs = new java.util.LinkedHashSet<>();
            for (String name : attrsText.split(",")) {
                String own = context.regieNameOrNull(name.strip());
                if (own != null) {
                    attrs.add(own);
                }
            }
        }
        EntityState entity = filter.entity(city, id).orElseThrow(
                () -> NgsiLdException.notFound("no entity " + id + " is known"));
        answer(response, 200, mediaType, context, Representation.entity(entity, format, context, attrs,
                contextValue(mediaType, context)));
    }

    private void create(HttpServletRequest request, HttpServletResponse response, PartyFilter filter)
            throws IOException {
        Body body = body(request);
        EntityId id = provision.create(filter.writer(), body.json(), body.context());
        response.setHeader("Location", "/ngsi-ld/v1/entities/" + id);
        response.setStatus(201);
        response.setHeader("Cache-Control", "no-store");
    }

    private void attrs(EntityId id, boolean appending, HttpServletRequest request, HttpServletResponse response,
            PartyFilter filter) throws IOException {
        String options = single(request.getParameterMap(), "options");
        boolean noOverwrite = options != null && List.of(options.split(",")).contains("noOverwrite");
        Body body = body(request);
        Provision.Outcome outcome = provision.write(filter.writer(), id, body.json(), body.context(), appending,
                noOverwrite);
        if (outcome.complete()) {
            noContent(response);
            return;
        }
        List<Map<String, Object>> notUpdated = new ArrayList<>();
        outcome.notUpdated().forEach((name, reason) -> notUpdated.add(object("attributeName",
                body.context().term(name), "reason", reason)));
        List<String> updated = outcome.updated().stream().map(body.context()::term).toList();
        answer(response, 207, MediaTypes.JSON, body.context(), object("updated", updated, "notUpdated", notUpdated));
    }

    static String single(Map<String, String[]> parameters, String name) {
        String[] values = parameters.get(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw NgsiLdException.badData("parameter '" + name + "' is given " + values.length + " times; give it once");
        }
        return values[0];
    }
}
