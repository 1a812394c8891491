package nl.regie.runtime.ngsild.ld;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON-LD contexts Regie knows without fetching anything: the NGSI-LD core context (a copy shipped in the bundle,
 * see the NOTICE) under every URL the ETSI publishes it at from v1.3 on, and Regie's own context, which names the
 * attributes Regie's parts publish by their Smart Data Models IRIs, served at {@value #REGIE_PATH}. Any other remote
 * context is refused with LdContextNotAvailable and never fetched: a city's broker does not reach out to URLs its
 * callers name. Immutable, shared by every request.
 */
public final class Contexts {

    /** The core context's URL the answers name (the version of the shipped copy). */
    public static final String CORE = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld";
    /** Where Regie serves its own context, under the server's own address. */
    public static final String REGIE_PATH = "/ngsi-ld/v1/jsonldContexts/regie-context.jsonld";
    /** The core context URLs taken for the shipped copy (later versions only add terms Regie does not use). */
    static final List<String> CORE_ALIASES = List.of(
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.4.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.5.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld",
            CORE,
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonNode coreDocument;
    private final JsonNode regieDocument;
    private final TermMap core;
    private final TermMap regie;

    private Contexts(JsonNode coreDocument, JsonNode regieDocument) {
        this.coreDocument = coreDocument;
        this.regieDocument = regieDocument;
        this.core = TermMap.parse(coreDocument.path("@context"));
        this.regie = core.with(TermMap.parse(regieDocument.path("@context")));
    }

    /** The shipped contexts, read from the bundle. */
    public static Contexts shipped() {
        return new Contexts(read("ld/ngsi-ld-core-context-v1.7.jsonld"), read("ld/regie-context.jsonld"));
    }

    private static JsonNode read(String resource) {
        try (InputStream in = Contexts.class.getResourceAsStream("/nl/regie/runtime/ngsild/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("the bundle lacks its context " + resource);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The core context's terms alone: what a request without a context of its own is read with. */
    public TermMap core() {
        return core;
    }

    /** Regie's names: the core context and Regie's own on top; what the city state's names mean. */
    public TermMap regie() {
        return regie;
    }

    /** The core context document, as shipped. */
    public JsonNode coreDocument() {
        return coreDocument;
    }

    /** Regie's context document, as served at {@value #REGIE_PATH}. */
    public JsonNode regieDocument() {
        return regieDocument;
    }

    /**
     * The terms of a context named by URL.
     *
     * @param url        as the Link header or the body gives it
     * @param ownOrigins the origins ({@code scheme://host[:port]}) this server answers at, for Regie's own context
     * @throws NgsiLdException LdContextNotAvailable for any other URL: Regie never fetches one
     */
    public TermMap byUrl(String url, List<String> ownOrigins) {
        return find(url, ownOrigins).orElseThrow(() -> new NgsiLdException(ProblemType.LD_CONTEXT_NOT_AVAILABLE,
                "the JSON-LD context '" + url + "' is not one Regie ships (the NGSI-LD core context, and its own at "
                        + REGIE_PATH + "), and Regie never fetches a remote context: give the terms inline in"
                        + " \"@context\" instead"));
    }

    private Optional<TermMap> find(String url, List<String> ownOrigins) {
        if (CORE_ALIASES.contains(url)) {
            return Optional.of(core);
        }
        for (String origin : ownOrigins) {
            if (url.equals(origin + REGIE_PATH)) {
                return Optional.of(regie);
            }
        }
        return Optional.empty();
    }

    /** The documents by the name Regie's context endpoint serves them under. */
    public Map<String, JsonNode> served() {
        return Map.of("regie-context.jsonld", regieDocument);
    }
}
