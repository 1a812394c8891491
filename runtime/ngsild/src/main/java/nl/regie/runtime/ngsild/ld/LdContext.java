package nl.regie.runtime.ngsild.ld;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import nl.regie.runtime.ngsild.problem.NgsiLdException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON-LD context of one request: what its names mean, and what its answer names as its context. It comes from
 * the {@code Link} header ({@code rel="http://www.w3.org/ns/json-ld#context"}) or the body's {@code @context}; without
 * either it is the core context alone, as the standard says. Every name a caller writes is taken to Regie's name through
 * the IRI both expand to ({@link #regieName}), and every name Regie answers with is compacted against this context
 * ({@link #term}), so a caller that sends Regie's context sees Regie's short names and one that sends only the core
 * context sees full IRIs for the Smart Data Models attributes.
 *
 * @param terms   the caller's terms, the core context's under them
 * @param value   the answer's {@code @context}: the Link's URL followed by the core context's, the body's
 *                {@code @context} as given, or the core context's URL
 * @param link    the URL for an answer's {@code Link} header: the single URL given, else the core context's
 * @param regie   Regie's own terms
 */
public record LdContext(TermMap terms, Object value, String link, TermMap regie) {

    /** The Link relation of a JSON-LD context. */
    public static final String REL = "http://www.w3.org/ns/json-ld#context";
    private static final Pattern LINK = Pattern.compile("\\s*<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
    private static final Pattern REGIE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    /** At most this many contexts in one {@code @context} array. */
    static final int MAX_CONTEXTS = 16;

    /** The core context alone: a request that names none. */
    public static LdContext core(Contexts contexts) {
        return new LdContext(contexts.core(), Contexts.CORE, Contexts.CORE, contexts.regie());
    }

    /**
     * The context a {@code Link} header names, or the core context when there is no header.
     *
     * @throws NgsiLdException BadRequestData for a header that is not a JSON-LD context link or names more than one,
     *                         LdContextNotAvailable for a context Regie does not ship
     */
    public static LdContext fromLink(String header, Contexts contexts, List<String> ownOrigins) {
        if (header == null || header.isBlank()) {
            return core(contexts);
        }
        List<String> urls = new ArrayList<>();
        for (String part : header.split(",(?=\\s*<)")) {
            Matcher m = LINK.matcher(part);
            if (!m.matches()) {
                throw NgsiLdException.badData("the Link header must be '<url>; rel=\"" + REL + "\"', was '"
                        + shorten(header) + "'");
            }
            if (m.group(2).replace(" ", "").contains("rel=\"" + REL + "\"")) {
                urls.add(m.group(1));
            }
        }
        if (urls.isEmpty()) {
            return core(contexts);
        }
        if (urls.size() > 1) {
            throw NgsiLdException.badData("the Link header may name one JSON-LD context, names " + urls.size());
        }
        String url = urls.get(0);
        TermMap terms = contexts.core().with(contexts.byUrl(url, ownOrigins));
        // In a JSON-LD answer the core context goes last, as the standard has it implied, so that a JSON-LD processor
        // reads id, type, value and the rest without knowing NGSI-LD.
        Object value = Contexts.CORE_ALIASES.contains(url) ? url : List.of(url, Contexts.CORE);
        return new LdContext(terms, value, url, contexts.regie());
    }

    /**
     * The context of a body's {@code @context}: a URL, an object of terms, or an array of both.
     *
     * @throws NgsiLdException BadRequestData for anything else, LdContextNotAvailable for an unknown URL
     */
    public static LdContext fromBody(JsonNode context, Contexts contexts, List<String> ownOrigins) {
        if (context == null || context.isMissingNode() || context.isNull()) {
            throw NgsiLdException.badData("a body sent as application/ld+json must have an \"@context\"");
        }
        TermMap terms = contexts.core();
        List<JsonNode> parts = new ArrayList<>();
        if (context.isArray()) {
            if (context.size() > MAX_CONTEXTS) {
                throw NgsiLdException.badData("\"@context\" may list at most " + MAX_CONTEXTS + " contexts, lists "
                        + context.size());
            }
            context.forEach(parts::add);
        } else {
            parts.add(context);
        }
        for (JsonNode part : parts) {
            if (part.isTextual()) {
                terms = terms.with(contexts.byUrl(part.asText(), ownOrigins));
            } else if (part.isObject()) {
                terms = terms.with(TermMap.parse(part));
            } else {
                throw NgsiLdException.badData("\"@context\" must be a URL, an object of terms or an array of these,"
                        + " has a " + part.getNodeType());
            }
        }
        String link = context.isTextual() ? context.asText() : Contexts.CORE;
        return new LdContext(terms, context, link, contexts.regie());
    }

    /**
     * Regie's name for a name the caller wrote (an entity type or an attribute): the Regie name of the IRI it
     * expands to.
     *
     * @throws NgsiLdException BadRequestData when the IRI has no short name in Regie's context (Regie keeps its
     *                         entity types and attributes by short names)
     */
    public String regieName(String name) {
        String iri = terms.expand(name);
        String own = own(iri);
        if (!REGIE_NAME.matcher(own).matches()) {
            throw NgsiLdException.badData("'" + shorten(name) + "' means <" + shorten(iri) + ">, which has no name in"
                    + " Regie's context: Regie keeps entity types and attributes by the short names of its context ("
                    + Contexts.REGIE_PATH + ") and the NGSI-LD default vocabulary");
        }
        return own;
    }

    /** Regie's name for a caller's name, or null when it has none (for queries: nothing of Regie's matches it). */
    public String regieNameOrNull(String name) {
        String own = own(terms.expand(name));
        return REGIE_NAME.matcher(own).matches() ? own : null;
    }

    /**
     * Regie's name of an IRI. One leniency on top of JSON-LD: a name under the default vocabulary (what a caller that
     * sends no context of its own, or only the core context, writes) that is a term of Regie's context is taken as
     * that term, so {@code fillingLevel} means Regie's fillingLevel to a client that knows no Smart Data Models context.
     * Answers are still compacted against the caller's context.
     */
    private String own(String iri) {
        String own = regie.compact(iri);
        if (own.startsWith(TermMap.DEFAULT_VOCAB)) {
            String rest = own.substring(TermMap.DEFAULT_VOCAB.length());
            if (REGIE_NAME.matcher(rest).matches()) {
                return rest;
            }
        }
        return own;
    }

    /** The caller's name for one of Regie's: Regie's IRI for it, compacted against this context. */
    public String term(String regieName) {
        return terms.compact(regie.expand(regieName));
    }

    /**
     * The answer's {@code @context} with the core context last, unless it names the core context already: an NGSI-LD
     * broker implies the core context, a plain JSON-LD processor does not, and without it would drop {@code id},
     * {@code type} and every member of the standard's own.
     */
    public Object valueWithCore() {
        Object given = value instanceof JsonNode node && node.isTextual() ? node.asText() : value;
        if (given instanceof List<?> list) {
            // The Link's URL with the core context after it (fromLink).
            return list;
        }
        if (given instanceof String url) {
            return Contexts.CORE_ALIASES.contains(url) ? url : List.of(url, Contexts.CORE);
        }
        List<Object> parts = new ArrayList<>();
        if (given instanceof JsonNode node && node.isArray()) {
            for (JsonNode part : node) {
                if (part.isTextual() && Contexts.CORE_ALIASES.contains(part.asText())) {
                    return value;
                }
                parts.add(part);
            }
        } else {
            parts.add(given);
        }
        parts.add(Contexts.CORE);
        return parts;
    }

    static String shorten(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
