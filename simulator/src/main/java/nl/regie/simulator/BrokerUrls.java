package nl.regie.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import nl.regie.simulator.SimulatorOptions.UsageException;

/** Checks an MQTT broker URL given on the command line, and makes its port explicit. */
final class BrokerUrls {

    private static final String EXPECTED = " (expected tcp://host:port or ssl://host:port)";

    private BrokerUrls() {
    }

    /**
     * {@code value} as {@code scheme://host:port}, with the port MQTT's (1883) or MQTT over TLS's (8883) when it
     * has none.
     *
     * @param flag the flag that gave the URL, for the message
     * @throws UsageException for anything but a {@code tcp://} or {@code ssl://} URL of a host, or one with a user
     *     name or password, a path, query or fragment in it
     */
    static String check(String flag, String value) throws UsageException {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new UsageException(flag + ": '" + value + "' is not a valid URL: " + e.getReason() + EXPECTED);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || uri.isOpaque()) {
            throw new UsageException(flag + ": '" + value + "' is not a broker URL" + EXPECTED);
        }
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            throw new UsageException(flag + ": '" + value + "' uses " + scheme + "://, which the simulator does not"
                    + " support" + EXPECTED);
        }
        if (uri.getRawUserInfo() != null) {
            throw new UsageException(flag + ": '" + value.replace(uri.getRawUserInfo() + "@", "...@") + "' has"
                    + " credentials in it; give the user name with --username and the password with --password-file"
                    + " or " + SimulatorOptions.PASSWORD_VARIABLE);
        }
        if (uri.getHost() == null) {
            throw new UsageException(flag + ": '" + value + "' has no valid host" + EXPECTED);
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new UsageException(flag + ": '" + value + "' has a path, query or fragment; an MQTT broker URL has"
                    + " none" + EXPECTED);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("tcp") ? 1883 : 8883;
        if (port < 1 || port > 65535) {
            throw new UsageException(flag + ": '" + value + "' has port " + port + ", out of range (1-65535)");
        }
        return scheme + "://" + uri.getHost() + ":" + port;
    }
}
