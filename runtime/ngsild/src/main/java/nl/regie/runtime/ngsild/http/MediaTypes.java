package nl.regie.runtime.ngsild.http;

import java.util.Locale;

import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

/**
 * Content negotiation (clause 6.3.4): an answer is {@code application/json} (its context in a {@code Link} header) or
 * {@code application/ld+json} (its context in the body); a body is read as either. Anything else is refused: 406 for
 * an Accept header that allows neither, 415 for a body of another type.
 */
public final class MediaTypes {

    public static final String JSON = "application/json";
    public static final String LD_JSON = "application/ld+json";

    private MediaTypes() {
    }

    /**
     * The type to answer in: the acceptable one with the highest quality, {@code application/json} on a tie or for
     * wildcards, and when there is no Accept header.
     *
     * @throws NgsiLdException NotAcceptable when neither is acceptable
     */
    public static String answer(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        double json = -1;
        double ld = -1;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            double quality = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip();
                if (parameter.startsWith("q=")) {
                    try {
                        quality = Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException e) {
                        quality = 0;
                    }
                }
            }
            switch (type) {
                case JSON -> json = Math.max(json, quality);
                case LD_JSON -> ld = Math.max(ld, quality);
                case "*/*", "application/*" -> {
                    json = Math.max(json, quality);
                    ld = Math.max(ld, Math.min(quality, 0.999));
                }
                default -> {
                    // another type: not one the API answers in
                }
            }
        }
        if (json <= 0 && ld <= 0) {
            throw new NgsiLdException(ProblemType.NOT_ACCEPTABLE, "the API answers in application/json or"
                    + " application/ld+json; Accept allows neither: '" + (accept.length() > 100
                    ? accept.substring(0, 100) + "..." : accept) + "'");
        }
        return ld > json ? LD_JSON : JSON;
    }

    /**
     * Whether a body is JSON-LD (its context inside) rather than JSON (its context in the Link header).
     *
     * @throws NgsiLdException UnsupportedMediaType for a body of any other type, or none
     */
    public static boolean ldBody(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        return switch (type) {
            case JSON -> false;
            case LD_JSON -> true;
            default -> throw new NgsiLdException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "a body must be application/json"
                    + " or application/ld+json, was '" + (type.isEmpty() ? "none" : type) + "'");
        };
    }
}
