package nl.regie.runtime.ngsild.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.model.Representation;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.state.FullCityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The types and attributes of the entities a caller sees (clause 5.7.5 to 5.7.10): {@code /types} (an
 * EntityTypeList, or with {@code details=true} EntityType objects), {@code /types/{type}} (EntityTypeInfo),
 * {@code /attributes} (an AttributeList, or Attribute objects) and {@code /attributes/{attr}} (Attribute). Worked out
 * from the city state per request, through the caller's {@link PartyFilter}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/ngsi-ld/v1/types", "/ngsi-ld/v1/types/*", "/ngsi-ld/v1/attributes",
        "/ngsi-ld/v1/attributes/*"})
public final class TypesServlet extends NgsiLdServlet {

    private static final long serialVersionUID = 1L;

    private final transient FullCityState city;
    private final transient AccessPolicy policy;

    @Activate
    public TypesServlet(@Reference FullCityState city,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy,
            @Reference(service = LoggerFactory.class) Logger log) {
        super(Contexts.shipped(), log);
        this.city = city;
        this.policy = policy;
    }

    @Override
    protected void handle(String method, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw notAllowed(response, method, "GET, HEAD");
        }
        String mediaType = MediaTypes.answer(request.getHeader("Accept"));
        LdContext context = linkContext(request);
        for (String name : request.getParameterMap().keySet()) {
            if (!Set.of("details", "local").contains(name)) {
                throw NgsiLdException.badData("unknown parameter '" + name + "'; known is details");
            }
        }
        String details = EntitiesServlet.single(request.getParameterMap(), "details");
        if (details != null && !details.equals("true") && !details.equals("false")) {
            throw NgsiLdException.badData("parameter 'details' must be true or false, was '" + details + "'");
        }
        boolean detailed = "true".equals(details);
        List<EntityState> seen = PartyFilter.of(caller(request), policy).visible(city.all());
        // type -> attributes, attribute -> types, type -> count, attribute -> count: one pass over what is seen
        Map<String, Set<String>> attributesOfType = new TreeMap<>();
        Map<String, Set<String>> typesOfAttribute = new TreeMap<>();
        Map<String, Integer> entitiesOfType = new TreeMap<>();
        Map<String, Integer> entitiesWithAttribute = new TreeMap<>();
        for (EntityState entity : seen) {
            String type = entity.id().type();
            entitiesOfType.merge(type, 1, Integer::sum);
            Set<String> names = attributesOfType.computeIfAbsent(type, t -> new TreeSet<>());
            List<String> attributes = new ArrayList<>(entity.attributes().keySet());
            if (entity.location() != null) {
                attributes.add(Representation.LOCATION);
            }
            for (String attribute : attributes) {
                names.add(attribute);
                typesOfAttribute.computeIfAbsent(attribute, a -> new TreeSet<>()).add(type);
                entitiesWithAttribute.merge(attribute, 1, Integer::sum);
            }
        }
        List<String> path = segments(request);
        String root = request.getServletPath().endsWith("/types") ? "types" : "attributes";
        Object ld = contextValue(mediaType, context);
        Object body;
        if (root.equals("types") && path.isEmpty()) {
            body = detailed ? attributesOfType.entrySet().stream().map(e -> with(ld, object(
                    "id", context.terms().expand(context.term(e.getKey())), "type", "EntityType",
                    "typeName", context.term(e.getKey()),
                    "attributeNames", e.getValue().stream().map(context::term).toList()))).toList()
                    : with(ld, object("id", "urn:ngsi-ld:EntityTypeList:" + UUID.randomUUID(), "type",
                            "EntityTypeList", "typeList", attributesOfType.keySet().stream().map(context::term)
                                    .toList()));
        } else if (root.equals("types") && path.size() == 1) {
            String type = context.regieNameOrNull(path.get(0));
            Set<String> attributes = type == null ? null : attributesOfType.get(type);
            if (attributes == null) {
                throw NgsiLdException.notFound("no entity of type '" + path.get(0) + "' is known");
            }
            body = with(ld, object("id", context.terms().expand(context.term(type)), "type", "EntityTypeInfo",
                    "typeName", context.term(type), "entityCount", entitiesOfType.get(type),
                    "attributeDetails", attributes.stream().map(a -> object("id",
                            context.terms().expand(context.term(a)), "type", "Attribute",
                            "attributeName", context.term(a), "attributeTypes", List.of(kind(a)))).toList()));
        } else if (root.equals("attributes") && path.isEmpty()) {
            body = detailed ? typesOfAttribute.entrySet().stream().map(e -> with(ld, attribute(context,
                    e.getKey(), e.getValue(), null))).toList()
                    : with(ld, object("id", "urn:ngsi-ld:AttributeList:" + UUID.randomUUID(), "type",
                            "AttributeList", "attributeList", typesOfAttribute.keySet().stream()
                                    .map(context::term).toList()));
        } else if (root.equals("attributes") && path.size() == 1) {
            String attribute = context.regieNameOrNull(path.get(0));
            Set<String> types = attribute == null ? null : typesOfAttribute.get(attribute);
            if (types == null) {
                throw NgsiLdException.notFound("no entity has an attribute '" + path.get(0) + "'");
            }
            body = with(ld, attribute(context, attribute, types, entitiesWithAttribute.get(attribute)));
        } else {
            throw NgsiLdException.notFound("no such resource: " + request.getRequestURI());
        }
        answer(response, 200, mediaType, context, body);
    }

    private static Map<String, Object> attribute(LdContext context, String attribute, Set<String> types,
            Integer count) {
        Map<String, Object> json = object("id", context.terms().expand(context.term(attribute)), "type", "Attribute",
                "attributeName", context.term(attribute));
        if (count != null) {
            json.put("attributeCount", count);
        }
        json.put("attributeTypes", List.of(kind(attribute)));
        json.put("typeNames", types.stream().map(context::term).toList());
        return json;
    }

    private static String kind(String attribute) {
        return attribute.equals(Representation.LOCATION) ? "GeoProperty" : "Property";
    }

    private static Map<String, Object> with(Object ld, Map<String, Object> json) {
        if (ld != null) {
            json.put("@context", ld);
        }
        return json;
    }
}
