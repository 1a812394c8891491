package nl.regie.runtime.ngsild.problem;

import java.util.Objects;

/**
 * A request the NGSI-LD API refuses, with the standard's error type and a detail that says exactly what was wrong.
 * Thrown by the parsers and the operations, turned into the problem answer by the servlet ({@link Problems}).
 */
public final class NgsiLdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ProblemType type;

    public NgsiLdException(ProblemType type, String detail) {
        super(detail);
        this.type = Objects.requireNonNull(type);
    }

    public NgsiLdException(ProblemType type, String detail, Throwable cause) {
        super(detail, cause);
        this.type = Objects.requireNonNull(type);
    }

    public ProblemType type() {
        return type;
    }

    /** Shorthand for {@link ProblemType#INVALID_REQUEST}. */
    public static NgsiLdException invalid(String detail) {
        return new NgsiLdException(ProblemType.INVALID_REQUEST, detail);
    }

    /** Shorthand for {@link ProblemType#BAD_REQUEST_DATA}. */
    public static NgsiLdException badData(String detail) {
        return new NgsiLdException(ProblemType.BAD_REQUEST_DATA, detail);
    }

    /** Shorthand for {@link ProblemType#RESOURCE_NOT_FOUND}. */
    public static NgsiLdException notFound(String detail) {
        return new NgsiLdException(ProblemType.RESOURCE_NOT_FOUND, detail);
    }
}
