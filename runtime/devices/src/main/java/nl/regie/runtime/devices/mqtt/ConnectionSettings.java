package nl.regie.runtime.devices.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Set;

/**
 * How the bridge connects to the broker.
 *
 * @param serverUri            the broker, {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId             the fixed MQTT client id; the broker keeps the bridge's session under it
 * @param username             the user name, or null for none
 * @param password             the password, or null for none
 * @param truststore           a trust store file (PKCS12 or JKS) with the broker's CA for {@code ssl://}, or null for
 *                             the JVM's default trust
 * @param truststorePassword   its password, or null
 * @param reconnectMaxSeconds  the longest wait between reconnect attempts (the first is after 1 s, then doubling)
 * @param sessionExpirySeconds how long the broker keeps the bridge's session (subscriptions and queued QoS 1
 *                             messages) while it is disconnected
 * @param keepAliveSeconds     MQTT keep-alive
 * @param maxPacketBytes       the largest packet the bridge accepts; the broker drops larger ones for it
 */
public record ConnectionSettings(String serverUri, String clientId, String username, String password, String truststore,
        String truststorePassword, int reconnectMaxSeconds, long sessionExpirySeconds, int keepAliveSeconds,
        int maxPacketBytes) {

    /** Default {@link #reconnectMaxSeconds()}. */
    public static final int DEFAULT_RECONNECT_MAX_SECONDS = 30;
    /** Default {@link #sessionExpirySeconds()}: one week. */
    public static final long DEFAULT_SESSION_EXPIRY_SECONDS = 7L * 24 * 3600;
    /** Default {@link #keepAliveSeconds()}. */
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;
    /** Default {@link #maxPacketBytes()}. */
    public static final int DEFAULT_MAX_PACKET_BYTES = 1024 * 1024;

    private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value that is wrong
     */
    public ConnectionSettings {
        Objects.requireNonNull(serverUri, "serverUri is required");
        Objects.requireNonNull(clientId, "clientId is required");
        try {
            URI uri = new URI(serverUri);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("MQTT broker URL '" + serverUri
                        + "' must be tcp://host:port or ssl://host:port (or ws://, wss://)");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("MQTT broker URL '" + serverUri + "' is malformed: " + e.getMessage(), e);
        }
        if (clientId.isBlank() || clientId.length() > 128) {
            throw new IllegalArgumentException("MQTT client id must be 1 to 128 characters, was '" + clientId + "'");
        }
        if (reconnectMaxSeconds < 1) {
            throw new IllegalArgumentException("reconnectMaxSeconds must be at least 1, was " + reconnectMaxSeconds);
        }
        if (sessionExpirySeconds < 0 || sessionExpirySeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("sessionExpirySeconds must be 0 to 4294967295, was " + sessionExpirySeconds);
        }
        if (keepAliveSeconds < 0 || keepAliveSeconds > 65_535) {
            throw new IllegalArgumentException("keepAliveSeconds must be 0 to 65535, was " + keepAliveSeconds);
        }
        if (maxPacketBytes < 1024) {
            throw new IllegalArgumentException("maxPacketBytes must be at least 1024, was " + maxPacketBytes);
        }
    }

    /** Settings with the defaults for everything but the broker and the client id, without credentials or TLS. */
    public static ConnectionSettings of(String serverUri, String clientId) {
        return new ConnectionSettings(serverUri, clientId, null, null, null, null, DEFAULT_RECONNECT_MAX_SECONDS,
                DEFAULT_SESSION_EXPIRY_SECONDS, DEFAULT_KEEP_ALIVE_SECONDS, DEFAULT_MAX_PACKET_BYTES);
    }

    /** These settings with a shorter or longer reconnect backoff. */
    public ConnectionSettings withReconnectMaxSeconds(int seconds) {
        return new ConnectionSettings(serverUri, clientId, username, password, truststore, truststorePassword, seconds,
                sessionExpirySeconds, keepAliveSeconds, maxPacketBytes);
    }

    /** Whether the connection uses TLS. */
    public boolean tls() {
        return serverUri.startsWith("ssl://") || serverUri.startsWith("wss://");
    }

    @Override
    public String toString() {
        // Never print the passwords.
        return "ConnectionSettings[" + serverUri + " as " + clientId + (username == null ? "" : ", user " + username)
                + (truststore == null ? "" : ", truststore " + truststore) + "]";
    }
}
