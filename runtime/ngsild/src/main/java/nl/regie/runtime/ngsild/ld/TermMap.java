package nl.regie.runtime.ngsild.ld;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import nl.regie.runtime.ngsild.problem.NgsiLdException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The terms of a JSON-LD context that NGSI-LD needs: each short name's IRI (a plain string, an {@code @id}, or a
 * compact IRI {@code prefix:suffix} whose prefix is a term of the same context) and the {@code @vocab} that expands
 * every other name. Expands short names to IRIs and compacts IRIs back; not a JSON-LD processor (no scoped contexts,
 * no containers, no {@code @base}), which the NGSI-LD API does not need for entity types and attribute names.
 * Immutable.
 */
public final class TermMap {

    /** The core context's {@code @vocab}: where a name no context defines expands to. */
    public static final String DEFAULT_VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/";
    /** At most this many terms in one context given inline, so a hostile body cannot make unbounded work. */
    public static final int MAX_TERMS = 2_000;

    private final Map<String, String> iriOfTerm;
    private final Map<String, String> termOfIri;
    private final String vocab;

    private TermMap(Map<String, String> iriOfTerm, String vocab) {
        this.iriOfTerm = Map.copyOf(iriOfTerm);
        Map<String, String> reverse = new HashMap<>();
        // The shortest term wins when two name the same IRI, so compaction does not depend on map order.
        iriOfTerm.forEach((term, iri) -> reverse.merge(iri, term,
                (a, b) -> a.length() != b.length() ? (a.length() < b.length() ? a : b) : (a.compareTo(b) < 0 ? a : b)));
        this.termOfIri = Map.copyOf(reverse);
        this.vocab = vocab;
    }

    /** No terms, the default vocabulary. */
    public static TermMap empty() {
        return new TermMap(Map.of(), DEFAULT_VOCAB);
    }

    /**
     * The terms of one context object (the value of {@code @context}, an object).
     *
     * @throws NgsiLdException BadRequestData naming the term whose definition is not a string or an {@code @id}
     */
    public static TermMap parse(JsonNode context) {
        if (!context.isObject()) {
            throw NgsiLdException.badData("a JSON-LD context must be an object of term definitions, was "
                    + context.getNodeType());
        }
        if (context.size() > MAX_TERMS) {
            throw NgsiLdException.badData("a JSON-LD context given inline may define at most " + MAX_TERMS
                    + " terms, has " + context.size());
        }
        Map<String, String> raw = new LinkedHashMap<>();
        String vocab = DEFAULT_VOCAB;
        for (Iterator<Map.Entry<String, JsonNode>> it = context.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String term = field.getKey();
            JsonNode definition = field.getValue();
            if (term.equals("@vocab")) {
                vocab = definition.asText();
                continue;
            }
            if (term.startsWith("@")) {
                continue; // @version, @protected: nothing to map
            }
            String iri;
            if (definition.isTextual()) {
                iri = definition.asText();
            } else if (definition.isObject() && definition.path("@id").isTextual()) {
                iri = definition.path("@id").asText();
            } else if (definition.isNull()) {
                continue;
            } else {
                throw NgsiLdException.badData("the JSON-LD context's term '" + term + "' must be defined by a string"
                        + " or an object with \"@id\"");
            }
            raw.put(term, iri);
        }
        Map<String, String> expanded = new LinkedHashMap<>();
        raw.forEach((term, iri) -> expanded.put(term, expandPrefix(iri, raw)));
        return new TermMap(expanded, expandPrefix(vocab, raw));
    }

    /** A compact IRI {@code prefix:suffix} with the prefix's IRI put in, else the value as it is. */
    private static String expandPrefix(String value, Map<String, String> terms) {
        int colon = value.indexOf(':');
        if (colon > 0 && !value.startsWith("//", colon + 1)) {
            String prefix = terms.get(value.substring(0, colon));
            if (prefix != null && !prefix.startsWith("@")) {
                return prefix + value.substring(colon + 1);
            }
        }
        return value;
    }

    /** These terms with {@code later}'s on top: a later context's definition of a term replaces an earlier one. */
    public TermMap with(TermMap later) {
        Map<String, String> merged = new HashMap<>(iriOfTerm);
        merged.putAll(later.iriOfTerm);
        return new TermMap(merged, later.vocab.equals(DEFAULT_VOCAB) ? vocab : later.vocab);
    }

    /**
     * The IRI of a name: an absolute IRI as it is, a compact IRI with a known prefix expanded, a term of the context,
     * else the name under {@code @vocab}.
     */
    public String expand(String name) {
        String iri = iriOfTerm.get(name);
        if (iri != null) {
            return iri;
        }
        int colon = name.indexOf(':');
        if (colon > 0) {
            String prefix = iriOfTerm.get(name.substring(0, colon));
            if (prefix != null && !name.startsWith("//", colon + 1)) {
                return prefix + name.substring(colon + 1);
            }
            return name; // an absolute IRI (http://..., urn:...)
        }
        return vocab + name;
    }

    /** The shortest name that expands to the IRI: a term, else the part after {@code @vocab}, else the IRI itself. */
    public String compact(String iri) {
        String term = termOfIri.get(iri);
        if (term != null) {
            return term;
        }
        if (iri.startsWith(vocab) && iri.length() > vocab.length()) {
            String rest = iri.substring(vocab.length());
            if (!iriOfTerm.containsKey(rest) && rest.indexOf(':') < 0) {
                return rest;
            }
        }
        return iri;
    }

    /** How many terms it defines. */
    public int size() {
        return iriOfTerm.size();
    }
}
