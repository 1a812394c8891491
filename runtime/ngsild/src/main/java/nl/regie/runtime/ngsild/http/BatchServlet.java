package nl.regie.runtime.ngsild.http;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.Problems;
import nl.regie.runtime.ngsild.write.Provision;
import nl.regie.runtime.ngsild.write.Writer;
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

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The batch operations (clause 5.6.7 to 5.6.10), {@code POST /ngsi-ld/v1/entityOperations/create}, {@code upsert},
 * {@code update} and {@code delete}: each entity is done or refused on its own, as the single operation would be.
 * All done: 201 with the ids created (create, and upsert when it created some) or 204; some refused: 207 with
 * {@code success} (the ids done) and {@code errors} (each id with its problem). At most {@value #MAX_ENTITIES}
 * entities in one batch.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/ngsi-ld/v1/entityOperations/*")
public final class BatchServlet extends NgsiLdServlet {

    private static final long serialVersionUID = 1L;
    public static final int MAX_ENTITIES = 1_000;

    private final transient AccessPolicy policy;
    private final transient Provision provision;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AuditLog audit;

    @Activate
    public BatchServlet(@Reference FullCityState city, @Reference RuntimeBus bus,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy,
            @Reference(service = LoggerFactory.class) Logger log) {
        this(city, bus, policy, Clock.systemUTC(), log);
    }

    BatchServlet(FullCityState city, RuntimeBus bus, AccessPolicy policy, Clock clock, Logger log) {
        super(Contexts.shipped(), log);
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
        if (path.size() != 1 || !List.of("create", "upsert", "update", "delete").contains(path.get(0))) {
            throw NgsiLdException.notFound("no such batch operation: " + request.getRequestURI()
                    + "; there are create, upsert, update and delete");
        }
        if (!method.equals("POST")) {
            throw notAllowed(response, method, "POST");
        }
        String operation = path.get(0);
        Body body = body(request);
        if (!body.json().isArray()) {
            throw NgsiLdException.badData("a batch " + operation + " takes a JSON array of "
                    + (operation.equals("delete") ? "entity ids" : "entities"));
        }
        if (body.json().size() > MAX_ENTITIES) {
            throw NgsiLdException.badData("a batch may hold at most " + MAX_ENTITIES + " entities, has "
                    + body.json().size());
        }
        if (body.json().isEmpty()) {
            throw NgsiLdException.badData("a batch " + operation + " needs at least one entity");
        }
        String options = EntitiesServlet.single(request.getParameterMap(), "options");
        boolean noOverwrite = options != null && List.of(options.split(",")).contains("noOverwrite");
        Writer writer = PartyFilter.of(caller(request), policy).writer();
        List<String> success = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        for (JsonNode item : body.json()) {
            String id = item.isTextual() ? item.asText() : item.path("id").asText("");
            try {
                boolean madeNew = one(operation, writer, item, body.context(), noOverwrite);
                success.add(id);
                if (madeNew) {
                    created.add(id);
                }
            } catch (NgsiLdException refusal) {
                errors.add(object("entityId", id, "error", Problems.body(refusal.type(), refusal.getMessage(), null)));
            }
        }
        if (!errors.isEmpty()) {
            answer(response, 207, MediaTypes.JSON, body.context(), object("success", success, "errors", errors));
        } else if (!created.isEmpty()) {
            answer(response, 201, MediaTypes.JSON, body.context(), created);
        } else {
            noContent(response);
        }
    }

    /** Does one entity of the batch; true when it created one. */
    private boolean one(String operation, Writer writer, JsonNode item, LdContext context, boolean noOverwrite) {
        switch (operation) {
            case "create" -> {
                provision.create(writer, item, context);
                return true;
            }
            case "upsert" -> {
                return provision.upsert(writer, item, context);
            }
            case "update" -> {
                EntityId id = Provision.identify(item, context);
                Provision.Outcome outcome = provision.write(writer, id, item, context, true, noOverwrite);
                if (!outcome.complete()) {
                    throw NgsiLdException.badData("not updated: " + outcome.notUpdated());
                }
                return false;
            }
            default -> {
                if (!item.isTextual()) {
                    throw NgsiLdException.badData("a batch delete takes entity ids (strings)");
                }
                provision.delete(writer, Provision.parseId(item.asText()));
                return false;
            }
        }
    }
}
