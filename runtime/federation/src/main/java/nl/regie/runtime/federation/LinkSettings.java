package nl.regie.runtime.federation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * How this site connects to the shared broker.
 *
 * @param serverUri            the broker, {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId             the fixed MQTT client id; the broker keeps this site's session under it
 * @param username             the user name, or null
 * @param password             the password, or null
 * @param queueCapacity        readings that may wait to leave (while the link is down, or in a burst)
 * @param reconnectMaxSeconds  the longest wait between reconnect attempts
 * @param sessionExpirySeconds how long the broker keeps the session (and queues what is addressed to this site)
 */
public record LinkSettings(String serverUri, String clientId, String username, String password, int queueCapacity,
        int reconnectMaxSeconds, long sessionExpirySeconds) {

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value that is wrong
     */
    public LinkSettings {
        Objects.requireNonNull(serverUri, "serverUri");
        Objects.requireNonNull(clientId, "clientId");
        try {
            URI uri = new URI(serverUri);
            if (uri.getHost() == null || !("tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("shared broker URL '" + serverUri
                        + "' must be tcp://host:port or ssl://host:port");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("shared broker URL '" + serverUri + "' is malformed: " + e.getMessage(),
                    e);
        }
        if (clientId.isBlank() || clientId.length() > 128) {
            throw new IllegalArgumentException("MQTT client id must be 1 to 128 characters, was '" + clientId + "'");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
        }
        if (reconnectMaxSeconds < 1) {
            throw new IllegalArgumentException("reconnectMaxSeconds must be at least 1, was " + reconnectMaxSeconds);
        }
        if (sessionExpirySeconds < 0 || sessionExpirySeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("sessionExpirySeconds must be 0 to 4294967295, was "
                    + sessionExpirySeconds);
        }
    }

    @Override
    public String toString() {
        return "LinkSettings[" + serverUri + " as " + clientId + (username == null ? "" : ", user " + username) + "]";
    }
}
