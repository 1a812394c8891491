package nl.regie.runtime.ngsild.subscription;

import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.query.BoundedMatch;
import nl.regie.runtime.ngsild.query.GeoQuery;
import nl.regie.runtime.ngsild.query.QParser;
import nl.regie.runtime.ngsild.query.QQuery;
import nl.regie.runtime.ngsild.subscription.Subscription.EntitySelector;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one subscription watches, compiled: its entity selectors, watched attributes, {@code q} (the consumption
 * API's {@link QParser}, names read in the creator's context) and {@code geoQ} ({@link GeoQuery}). Plain Java,
 * immutable.
 */
public final class Matcher {

    private final Subscription subscription;
    private final LdContext names;
    private final QQuery q;
    private final GeoQuery geo;

    private Matcher(Subscription subscription, LdContext names, QQuery q, GeoQuery geo) {
        this.subscription = subscription;
        this.names = names;
        this.q = q;
        this.geo = geo;
    }

    /**
     * Compiles a subscription.
     *
     * @throws nl.regie.runtime.ngsild.problem.NgsiLdException for a {@code q} or {@code geoQ} that does not parse
     */
    public static Matcher of(Subscription s, Contexts contexts) {
        LdContext names = s.context() instanceof JsonNode node ? LdContext.fromBody(node, contexts, origins(s))
                : LdContext.core(contexts);
        QQuery q = s.q() == null ? null : QParser.parse(s.q(), names::regieNameOrNull);
        GeoQuery geo = null;
        if (s.geoQ() != null) {
            String property = s.geoQ().geoproperty();
            String own = property == null ? null : names.regieNameOrNull(property);
            geo = GeoQuery.parse(s.geoQ().georel(), s.geoQ().geometry(), s.geoQ().coordinates(),
                    property == null ? null : own == null ? property : own);
        }
        return new Matcher(s, names, q, geo);
    }

    /**
     * The origins at which the subscription's context names Regie's own context: the one it was made at, and the
     * origin of every context URL it names that ends in Regie's context path (it was accepted when the subscription
     * was made, by whatever Host the request named).
     */
    static List<String> origins(Subscription s) {
        List<String> origins = new ArrayList<>();
        if (s.origin() != null) {
            origins.add(s.origin());
        }
        if (s.context() instanceof JsonNode node) {
            List<JsonNode> parts = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(parts::add);
            } else {
                parts.add(node);
            }
            for (JsonNode part : parts) {
                String url = part.isTextual() ? part.asText() : "";
                if (url.endsWith(Contexts.REGIE_PATH)) {
                    origins.add(url.substring(0, url.length() - Contexts.REGIE_PATH.length()));
                }
            }
        }
        return origins;
    }

    public Subscription subscription() {
        return subscription;
    }

    /** The creator's context, to write notifications in its terms. */
    public LdContext names() {
        return names;
    }

    /** Whether a change of this attribute of this entity may concern the subscription (before q and geoQ). */
    public boolean watches(EntityId entity, String attribute) {
        if (!subscription.watched().isEmpty() && !subscription.watched().contains(attribute)) {
            return false;
        }
        return selects(entity);
    }

    /** Whether one of the entity selectors takes the entity. */
    public boolean selects(EntityId entity) {
        for (EntitySelector e : subscription.entities()) {
            if (!e.type().equals(entity.type())) {
                continue;
            }
            if (e.id() != null && !e.id().equals(entity.toString())) {
                continue;
            }
            if (e.pattern() != null && !BoundedMatch.find(e.pattern(), entity.toString())) {
                continue;
            }
            return true;
        }
        return false;
    }

    /** Whether the entity, as the subscriber sees it, passes {@code q} and {@code geoQ}. */
    public boolean passes(EntityState entity) {
        return (q == null || q.test(entity)) && (geo == null || geo.test(entity.location()));
    }
}
