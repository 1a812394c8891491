package nl.regie.runtime.ngsild.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import nl.regie.api.model.EntityId;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.model.Format;
import nl.regie.runtime.ngsild.model.Representation;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

/**
 * The parameters of {@code GET /ngsi-ld/v1/entities} (clause 6.4.3.2), parsed and checked: {@code type} and
 * {@code id} (comma-separated, any of them), {@code idPattern}, {@code attrs}, {@code q}, the geo-query,
 * {@code limit} (1 to {@value #MAX_LIMIT}, 0 with {@code count=true}), {@code offset}, {@code count}, and the
 * representation ({@code options}, {@code format}). Names are taken to Regie's through the request's context. Plain
 * Java; {@link #candidates} and {@link #matches} do the query in two steps, so the caller can pass the candidates
 * through the party's view in between.
 *
 * @param types     Regie type names, or null for any
 * @param ids       entity ids, or null for any
 * @param idPattern a pattern the id must match somewhere, or null
 * @param attrs     Regie attribute names to show (and of which an entity must have one), or null for all
 * @param q         the query, or null
 * @param geo       the geo-query, or null
 */
public record EntityQuery(Set<String> types, Set<String> ids, Pattern idPattern, Set<String> attrs, QQuery q,
        GeoQuery geo, int limit, int offset, boolean count, Format format) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 1_000;
    public static final int MAX_OFFSET = 1_000_000;
    public static final int MAX_LIST = 100;
    private static final Set<String> KNOWN = Set.of("type", "id", "idPattern", "attrs", "q", "georel", "geometry",
            "coordinates", "geoproperty", "limit", "offset", "count", "options", "format", "local", "lang");
    private static final Set<String> NOT_SUPPORTED = Set.of("csf", "scopeQ", "pick", "omit", "datasetId", "join",
            "joinLevel", "containedBy", "entityMap", "expandValues", "collect", "orderBy", "geometryProperty");
    private static final Comparator<EntityState> BY_ID = Comparator.comparing(e -> e.id().toString());

    /**
     * Parses the parameters; at least one of type, id, idPattern, attrs, q or a geo-query is needed (the standard
     * asks for one, so that no query is the whole city by accident).
     *
     * @throws NgsiLdException BadRequestData or InvalidRequest naming the parameter
     */
    public static EntityQuery parse(Map<String, String[]> parameters, LdContext context) {
        for (String name : parameters.keySet()) {
            if (NOT_SUPPORTED.contains(name)) {
                throw new NgsiLdException(ProblemType.OPERATION_NOT_SUPPORTED, "Regie does not support the parameter '"
                        + name + "'");
            }
            if (!KNOWN.contains(name)) {
                throw NgsiLdException.badData("unknown parameter '" + shorten(name) + "'; known are " + String.join(", ",
                        KNOWN.stream().sorted().toList()));
            }
        }
        Set<String> types = list(parameters, "type", context::regieNameOrNull);
        Set<String> ids = list(parameters, "id", UnaryOperator.identity());
        String pattern = single(parameters, "idPattern");
        Pattern idPattern = null;
        if (pattern != null) {
            if (pattern.length() > QParser.MAX_PATTERN) {
                throw NgsiLdException.badData("idPattern may be at most " + QParser.MAX_PATTERN + " characters");
            }
            try {
                idPattern = Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw NgsiLdException.badData("idPattern is not a regular expression: " + e.getDescription());
            }
        }
        Set<String> attrs = list(parameters, "attrs", context::regieNameOrNull);
        String qText = single(parameters, "q");
        QQuery q = qText == null ? null : QParser.parse(qText, context::regieNameOrNull);
        GeoQuery geo = GeoQuery.parse(single(parameters, "georel"), single(parameters, "geometry"),
                single(parameters, "coordinates"), geoproperty(single(parameters, "geoproperty"), context));
        boolean count = bool(parameters, "count");
        int limit = number(parameters, "limit", DEFAULT_LIMIT, count ? 0 : 1, MAX_LIMIT);
        int offset = number(parameters, "offset", 0, 0, MAX_OFFSET);
        if (types == null && ids == null && idPattern == null && attrs == null && q == null && geo == null) {
            throw NgsiLdException.badData("a query needs at least one of type, id, idPattern, attrs, q or a"
                    + " geo-query (georel, geometry, coordinates)");
        }
        return new EntityQuery(types, ids, idPattern, attrs, q, geo, limit, offset, count,
                Format.of(single(parameters, "options"), single(parameters, "format")));
    }

    private static String geoproperty(String name, LdContext context) {
        if (name == null) {
            return null;
        }
        String own = context.regieNameOrNull(name);
        return own == null ? name : own;
    }

    /**
     * The entities that may match, from the city state's cheapest index: the ids asked for, the box around the
     * geometry, or the types. Sorted by id.
     */
    public List<EntityState> candidates(CityState city) {
        List<EntityState> found = new ArrayList<>();
        if (ids != null) {
            for (String id : ids) {
                try {
                    city.entity(EntityId.parse(id)).ifPresent(found::add);
                } catch (IllegalArgumentException notRegies) {
                    // An id Regie cannot hold matches nothing.
                }
            }
        } else if (geo != null && geo.bounded()) {
            if (types == null) {
                found.addAll(city.within(geo.bounds(), null));
            } else {
                for (String type : types) {
                    found.addAll(city.within(geo.bounds(), type));
                }
            }
        } else if (types != null) {
            for (String type : types) {
                found.addAll(city.byType(type));
            }
        } else {
            found.addAll(city.all());
        }
        found.sort(BY_ID);
        return found;
    }

    /** Whether an entity, as the caller sees it, matches every part of the query. */
    public boolean matches(EntityState entity) {
        if (types != null && !types.contains(entity.id().type())) {
            return false;
        }
        if (ids != null && !ids.contains(entity.id().toString())) {
            return false;
        }
        if (idPattern != null && !BoundedMatch.find(idPattern, entity.id().toString())) {
            return false;
        }
        if (attrs != null && attrs.stream().noneMatch(a -> entity.attributes().containsKey(a)
                || (a.equals(Representation.LOCATION) && entity.location() != null))) {
            return false;
        }
        if (q != null && !q.test(entity)) {
            return false;
        }
        return geo == null || geo.test(entity.location());
    }

    /** The page of the matches this query asks for. */
    public List<EntityState> page(List<EntityState> matches) {
        int from = Math.min(offset, matches.size());
        return matches.subList(from, Math.min(matches.size(), from + limit));
    }

    private static Set<String> list(Map<String, String[]> parameters, String name, UnaryOperator<String> toRegie) {
        String value = single(parameters, name);
        if (value == null) {
            return null;
        }
        String[] items = value.split(",", -1);
        if (items.length > MAX_LIST) {
            throw NgsiLdException.badData("parameter '" + name + "' may list at most " + MAX_LIST + " items");
        }
        Set<String> result = new LinkedHashSet<>();
        for (String item : items) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                throw NgsiLdException.badData("parameter '" + name + "' has an empty item: '" + shorten(value) + "'");
            }
            String own = toRegie.apply(trimmed);
            // A name without a Regie name matches nothing; keep it as a name no entity has.
            result.add(own != null ? own : "\u0000" + trimmed);
        }
        return result;
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

    private static boolean bool(Map<String, String[]> parameters, String name) {
        String value = single(parameters, name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw NgsiLdException.badData("parameter '" + name + "' must be true or false, was '" + shorten(value) + "'");
    }

    private static int number(Map<String, String[]> parameters, String name, int otherwise, int min, int max) {
        String value = single(parameters, name);
        if (value == null) {
            return otherwise;
        }
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw NgsiLdException.badData("parameter '" + name + "' must be a whole number, was '" + shorten(value)
                    + "'");
        }
        if (number < min || number > max) {
            throw NgsiLdException.badData("parameter '" + name + "' must be from " + min + " to " + max + ", was "
                    + number);
        }
        return (int) number;
    }

    private static String shorten(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
