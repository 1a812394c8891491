package nl.regie.runtime.ngsild.write;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import nl.regie.api.model.Deletion;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.state.FullCityState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The NGSI-LD API's writes (clause 5.6) as readings and deletions on the bus: each attribute written is a
 * {@link Reading} published under the writer's source ({@code {party}@http/{token}}), so the city state, the history,
 * the stream, the federation and the policy treat it as any other source's, owned by the token's party. A writer
 * publishes only entity types its token's {@code publish:} scope names, and touches only entities whose every
 * attribute its own party owns (the operator any); an entity it does not see is not there for it. Plain Java.
 *
 * <p>The bus is asynchronous: a write is in the city state a moment after it is answered, as a device's reading is.
 * So a create checks that the entity is not there yet at the time of the request, not atomically.
 */
public final class Provision {

    /** The runtime part that publishes on the bus: this bundle. */
    public static final String PUBLISHER = "nl.regie.runtime.ngsild";

    private final FullCityState city;
    private final RuntimeBus bus;
    private final AccessPolicy policy;
    private final Clock clock;

    public Provision(FullCityState city, RuntimeBus bus, AccessPolicy policy, Clock clock) {
        this.city = city;
        this.bus = bus;
        this.policy = policy;
        this.clock = clock;
    }

    /** What a write of several attributes did: attributes written, and those not with the reason. */
    public record Outcome(List<String> updated, Map<String, String> notUpdated) {
        public boolean complete() {
            return notUpdated.isEmpty();
        }
    }

    /**
     * Creates an entity ({@code POST /entities}).
     *
     * @return its id
     * @throws NgsiLdException AlreadyExists, BadRequestData, OperationNotSupported, or a refusal of the writer
     */
    public EntityId create(Writer writer, JsonNode body, LdContext context) {
        EntityId id = identify(body, context);
        mayPublish(writer, id);
        if (city.entity(id).isPresent()) {
            throw new NgsiLdException(ProblemType.ALREADY_EXISTS, "entity " + id + " already exists");
        }
        Fragment fragment = Fragment.read(body, context);
        if (fragment.attributes().isEmpty()) {
            throw NgsiLdException.badData("entity " + id + " has no Property: Regie holds an entity by its attributes"
                    + " (a location alone is not one)");
        }
        publish(writer, id, fragment, null);
        return id;
    }

    /**
     * Creates the entity or, when it exists, writes the attributes given over it ({@code upsert} with
     * {@code options=update}: Regie never replaces an entity's other attributes).
     *
     * @return true when it was created
     */
    public boolean upsert(Writer writer, JsonNode body, LdContext context) {
        EntityId id = identify(body, context);
        mayPublish(writer, id);
        Optional<EntityState> existing = city.entity(id);
        if (existing.isEmpty()) {
            create(writer, body, context);
            return true;
        }
        writable(writer, id, existing.get());
        Fragment fragment = Fragment.read(body, context);
        publish(writer, id, fragment, existing.get());
        return false;
    }

    /** The id and type of an entity in a body; the type must be the one in Regie's URN. */
    public static EntityId identify(JsonNode body, LdContext context) {
        if (!body.isObject()) {
            throw NgsiLdException.badData("an entity must be a JSON object");
        }
        JsonNode idNode = body.get("id");
        if (idNode == null || !idNode.isTextual()) {
            throw NgsiLdException.badData("an entity needs an \"id\" (a URI)");
        }
        JsonNode typeNode = body.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw NgsiLdException.badData("entity " + idNode.asText() + " needs a \"type\" (one; Regie has no"
                    + " entities of several types)");
        }
        EntityId id = parseId(idNode.asText());
        String type = context.regieName(typeNode.asText());
        if (!type.equals(id.type())) {
            throw NgsiLdException.badData("entity " + id + " has type '" + typeNode.asText() + "' (Regie's '" + type
                    + "'), but Regie names an entity urn:ngsi-ld:{Type}:{localId}, so its type is '" + id.type() + "'");
        }
        return id;
    }

    /** An entity id Regie can hold. */
    public static EntityId parseId(String id) {
        try {
            return EntityId.parse(id);
        } catch (IllegalArgumentException e) {
            throw NgsiLdException.badData("entity id '" + (id.length() > 150 ? id.substring(0, 150) + "..." : id)
                    + "' is not one Regie holds: " + e.getMessage());
        }
    }

    /**
     * Writes attributes of an existing entity: appends ({@code POST .../attrs}, over existing ones unless
     * {@code noOverwrite}) or updates ({@code PATCH .../attrs}, existing ones only).
     */
    public Outcome write(Writer writer, EntityId id, JsonNode body, LdContext context, boolean appending,
            boolean noOverwrite) {
        mayPublish(writer, id);
        EntityState existing = existing(writer, id);
        writable(writer, id, existing);
        Fragment fragment = Fragment.read(body, context);
        Map<String, Fragment.Attribute> chosen = new LinkedHashMap<>();
        Map<String, String> notUpdated = new LinkedHashMap<>();
        fragment.attributes().forEach((name, attribute) -> {
            boolean present = existing.attributes().containsKey(name);
            if (appending && noOverwrite && present) {
                notUpdated.put(name, "the attribute exists and options=noOverwrite");
            } else if (!appending && !present) {
                notUpdated.put(name, "the entity has no such attribute (append it with POST)");
            } else {
                chosen.put(name, attribute);
            }
        });
        Location location = fragment.location();
        if (location != null && chosen.isEmpty() && existing.attributes().isEmpty()) {
            notUpdated.put("location", "Regie keeps a location with an entity's attributes, and there are none");
            location = null;
        }
        publish(writer, id, new Fragment(chosen, location), existing);
        List<String> updated = new ArrayList<>(chosen.keySet());
        if (location != null) {
            updated.add("location");
        }
        return new Outcome(updated, notUpdated);
    }

    /** Updates one attribute ({@code PATCH .../attrs/{attr}}): what is not given keeps its value. */
    public void patchAttribute(Writer writer, EntityId id, String attribute, JsonNode body) {
        mayPublish(writer, id);
        EntityState existing = existing(writer, id);
        writable(writer, id, existing);
        AttributeState old = existing.attributes().get(attribute);
        if (old == null) {
            throw NgsiLdException.notFound("entity " + id + " has no attribute '" + attribute + "'");
        }
        if (!body.isObject()) {
            throw NgsiLdException.badData("an attribute fragment must be a JSON object");
        }
        JsonNode merged = body;
        if (!body.has("value")) {
            ObjectNode copy = body.deepCopy();
            if (old.value() instanceof Value.Number n) {
                copy.put("value", n.value());
            } else if (old.value() instanceof Value.Bool b) {
                copy.put("value", b.value());
            } else if (old.value() instanceof Value.Text t) {
                copy.put("value", t.value());
            }
            merged = copy;
        }
        Fragment.Attribute read = Fragment.attribute(attribute, merged);
        String unit = body.has("unitCode") ? read.unit() : old.unit();
        publish(writer, id, new Fragment(Map.of(attribute, new Fragment.Attribute(read.value(), unit,
                read.observedAt())), null), existing);
    }

    /** Deletes an entity: every attribute, by the sources that published them (all of the writer's party). */
    public void delete(Writer writer, EntityId id) {
        mayPublish(writer, id);
        EntityState existing = existing(writer, id);
        writable(writer, id, existing);
        Set<String> sources = new LinkedHashSet<>();
        existing.attributes().values().forEach(a -> sources.add(a.source()));
        Instant now = clock.instant();
        for (String source : sources) {
            bus.delete(PUBLISHER, new Deletion(id, null, source, now));
        }
    }

    /** Deletes one attribute. */
    public void deleteAttribute(Writer writer, EntityId id, String attribute) {
        mayPublish(writer, id);
        EntityState existing = existing(writer, id);
        AttributeState state = existing.attributes().get(attribute);
        if (state == null) {
            throw NgsiLdException.notFound("entity " + id + " has no attribute '" + attribute + "'");
        }
        owned(writer, id, attribute, state);
        bus.delete(PUBLISHER, new Deletion(id, attribute, state.source(), clock.instant()));
    }

    private void mayPublish(Writer writer, EntityId id) {
        if (!writer.mayPublish().test(id.type())) {
            throw new NgsiLdException(ProblemType.FORBIDDEN, "token '" + writer.name() + "' lacks the scope publish:"
                    + id.type() + " (or publish:*) to write " + id);
        }
    }

    private EntityState existing(Writer writer, EntityId id) {
        Optional<EntityState> entity = city.entity(id);
        if (entity.isEmpty() || !(writer.operator() || writer.sees().test(entity.get()))) {
            throw NgsiLdException.notFound("no entity " + id + " is known");
        }
        return entity.get();
    }

    /** Refused unless every attribute of the entity is the writer's party's. */
    private void writable(Writer writer, EntityId id, EntityState existing) {
        existing.attributes().forEach((name, state) -> owned(writer, id, name, state));
    }

    private void owned(Writer writer, EntityId id, String attribute, AttributeState state) {
        if (writer.operator()) {
            return;
        }
        String owner = policy.partyOfSource(state.source());
        if (!owner.equals(writer.party())) {
            throw new NgsiLdException(ProblemType.FORBIDDEN, "entity " + id + " is not party " + writer.party()
                    + "'s to write: its attribute '" + attribute + "' belongs to party " + owner);
        }
    }

    /** Publishes each attribute as a reading, with the location given or the entity's own. */
    private void publish(Writer writer, EntityId id, Fragment fragment, EntityState existing) {
        Instant now = clock.instant();
        Location location = fragment.location() != null ? fragment.location()
                : existing != null ? existing.location() : null;
        List<Reading> readings = new ArrayList<>(fragment.attributes().size());
        fragment.attributes().forEach((name, a) -> {
            try {
                readings.add(new Reading(id, name, a.value(), a.unit(), a.observedAt() != null ? a.observedAt() : now,
                        now, writer.source(), location));
            } catch (IllegalArgumentException e) {
                throw NgsiLdException.badData("attribute '" + name + "': " + e.getMessage());
            }
        });
        if (readings.isEmpty() && fragment.location() != null && existing != null) {
            // A new location alone: published with the writer's own attributes, so nothing of another's changes.
            existing.attributes().forEach((name, state) -> readings.add(new Reading(id, name, state.value(),
                    state.unit(), state.observedAt(), now, state.source(), location)));
        }
        readings.forEach(r -> bus.publish(PUBLISHER, r));
    }
}
