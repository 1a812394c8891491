package nl.regie.runtime.web.http;

import java.io.IOException;
import java.util.Map;

import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.web.json.Json;

/**
 * A lifecycle refusal as an RFC 9457 problem: the lifecycle's message is the {@code detail}, its reason the extension
 * member {@code reason}. Nothing was changed in any of these cases.
 *
 * <table>
 * <caption>Status of each reason</caption>
 * <tr><td>NOT_A_BUNDLE, WRONG_PLUGIN</td><td>400: the jar sent is not what the request needs</td></tr>
 * <tr><td>UNKNOWN_PLUGIN</td><td>404</td></tr>
 * <tr><td>ALREADY_INSTALLED, SAME_VERSION, NO_PREVIOUS_VERSION, BUSY</td><td>409: the plugin's current state does not
 * allow it (BUSY with {@code Retry-After})</td></tr>
 * <tr><td>NOT_RESOLVABLE</td><td>422: a well-formed bundle whose requirements the framework cannot meet</td></tr>
 * <tr><td>UNSIGNED, BAD_SIGNATURE, UNTRUSTED_KEY</td><td>422: a well-formed bundle whose signature is missing, does not
 * hold, or is by a key the policy does not list</td></tr>
 * </table>
 */
final class LifecycleProblems {

    /** Seconds a client should wait before it tries again after BUSY: an update takes a few seconds at most. */
    static final String RETRY_AFTER_SECONDS = "5";

    private LifecycleProblems() {
    }

    static int status(LifecycleException.Reason reason) {
        return switch (reason) {
            case NOT_A_BUNDLE, WRONG_PLUGIN -> 400;
            case UNKNOWN_PLUGIN -> 404;
            case ALREADY_INSTALLED, SAME_VERSION, NO_PREVIOUS_VERSION, BUSY -> 409;
            case NOT_RESOLVABLE, UNSIGNED, BAD_SIGNATURE, UNTRUSTED_KEY -> 422;
        };
    }

    static void write(HttpServletResponse response, LifecycleException e, String uri) throws IOException {
        int status = status(e.reason());
        String title = switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            default -> "Unprocessable Content";
        };
        if (e.reason() == LifecycleException.Reason.BUSY) {
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
        Json.problem(response, status, title, e.getMessage(), uri, Map.of("reason", e.reason().name()));
    }
}
