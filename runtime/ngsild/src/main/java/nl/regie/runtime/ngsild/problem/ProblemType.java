package nl.regie.runtime.ngsild.problem;

/**
 * The NGSI-LD API's error types (ETSI GS CIM 009, clause 5.5.2) with the HTTP status each is answered with, and the
 * refusals the standard has no type for (no token's scope or another party's data, a method or a body's media type the
 * path does not take), which Regie answers as RFC 9457 problems of type {@code about:blank}, as its access filter does.
 */
public enum ProblemType {
    /** The request is malformed: a bad parameter, a body that is not JSON, a query that does not parse. */
    INVALID_REQUEST("InvalidRequest", 400),
    /** The request is well formed but its data is not acceptable: a bad attribute, an entity id that is no URI. */
    BAD_REQUEST_DATA("BadRequestData", 400),
    /** The entity, attribute or type is not there (or the caller may not see it). */
    RESOURCE_NOT_FOUND("ResourceNotFound", 404),
    /** The entity to create is already there. */
    ALREADY_EXISTS("AlreadyExists", 409),
    /** What was asked is valid NGSI-LD that Regie does not do (a relationship, a second instance of an attribute). */
    OPERATION_NOT_SUPPORTED("OperationNotSupported", 422),
    /** A JSON-LD context that is neither shipped with Regie nor given inline: Regie never fetches one. */
    LD_CONTEXT_NOT_AVAILABLE("LdContextNotAvailable", 503),
    /** The Accept header names no media type the API answers in. */
    NOT_ACCEPTABLE("NotAcceptable", 406),
    /** The body's media type is not JSON or JSON-LD. */
    UNSUPPORTED_MEDIA_TYPE(null, 415, "Unsupported Media Type"),
    /** More work than the API does for one request: a page, a query or a polygon past its bound. */
    TOO_COMPLEX_QUERY("TooComplexQuery", 403),
    /** The method is not one this path has. */
    METHOD_NOT_ALLOWED(null, 405, "Method Not Allowed"),
    /** The token lacks the scope, or the entity belongs to another party: not an NGSI-LD error type. */
    FORBIDDEN(null, 403, "Forbidden"),
    /** A failure of Regie's own; never expected, logged. */
    INTERNAL_ERROR("InternalError", 500);

    /** Where the standard's error types live. */
    public static final String BASE = "https://uri.etsi.org/ngsi-ld/errors/";

    private final String name;
    private final int status;
    private final String title;

    ProblemType(String name, int status) {
        this(name, status, name);
    }

    /** A refusal the standard has no type for: {@code about:blank} with the status's phrase as title. */
    ProblemType(String name, int status, String title) {
        this.name = name;
        this.status = status;
        this.title = title;
    }

    /** The problem's {@code type}: the standard's URI, or {@code about:blank}. */
    public String uri() {
        return name == null ? "about:blank" : BASE + name;
    }

    /** The problem's {@code title}. */
    public String title() {
        return title;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
