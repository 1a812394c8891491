package nl.regie.runtime.web.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which {@code Host} headers a server bound to loopback answers: loopback names only ({@code localhost}, any
 * {@code 127.x.x.x}, {@code [::1]}), with or without a port. A browser sends the name it resolved, so a page on
 * another site that rebinds its own name to 127.0.0.1 (DNS rebinding) sends its own name and is refused. A server
 * bound to another address requires a bearer token on every request, which a rebinding page does not have.
 */
final class HostCheck {

    private HostCheck() {
    }

    /** Whether a loopback-bound server may answer a request with this {@code Host} header (null: HTTP/1.0, no header). */
    static boolean loopbackName(String hostHeader) {
        if (hostHeader == null) {
            return true; // HTTP/1.0 without Host: no name was resolved, so nothing was rebound
        }
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 && literalLoopback(host.substring(1, end)) && port(host.substring(end + 1));
        }
        int colon = host.indexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        if (colon >= 0 && !port(host.substring(colon))) {
            return false;
        }
        return name.equals("localhost") || name.equals("localhost.") || literalLoopback(name);
    }

    /** An empty rest, or {@code :digits}. */
    private static boolean port(String rest) {
        return rest.isEmpty() || rest.matches(":\\d{1,5}");
    }

    /** Whether a text is an IP address literal (never a name: nothing is looked up) on loopback. */
    private static boolean literalLoopback(String text) {
        if (!text.matches("[0-9.]+") && !text.matches("[0-9a-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(text).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
