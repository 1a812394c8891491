package nl.regie.runtime.ngsild.subscription;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import nl.regie.runtime.ngsild.problem.NgsiLdException;

/**
 * Where the runtime may send notifications: the guard against a tenant making the runtime call into the city's own
 * network (server-side request forgery). A host whose addresses are all public is allowed (unless the operator turned
 * public endpoints off); an address that is loopback, private (RFC 1918, IPv6 unique local), link-local (cloud metadata
 * at 169.254.169.254 among them), carrier-grade NAT (100.64.0.0/10), unspecified or multicast is allowed only when the
 * operator listed its host name or a network holding it. Checked when a subscription is made and again before every
 * delivery (DNS may answer differently later). Plain Java, immutable.
 */
public final class EndpointRule {

    /** Looks a host name up; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Set<String> hosts = new TreeSet<>();
    private final List<Network> networks = new ArrayList<>();
    private final boolean publicAllowed;
    private final Resolver resolver;

    /**
     * @param allowed       host names and networks ({@code 10.1.0.0/16}, {@code 127.0.0.1}, {@code ::1/128},
     *                      {@code hooks.city.internal}) allowed although internal
     * @param publicAllowed whether hosts with public addresses only are allowed
     * @throws IllegalArgumentException for an element that is neither a host name nor a network, naming it
     */
    public EndpointRule(List<String> allowed, boolean publicAllowed, Resolver resolver) {
        this.publicAllowed = publicAllowed;
        this.resolver = resolver;
        for (String entry : allowed) {
            String e = entry.strip().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            if (e.matches("[0-9.]+(/\\d{1,2})?") || e.contains(":")) {
                networks.add(Network.parse(e));
            } else if (e.matches("[a-z0-9]([a-z0-9.-]{0,252})")) {
                hosts.add(e);
            } else {
                throw new IllegalArgumentException("allowed endpoint '" + entry
                        + "' is neither a host name nor an address or network such as 10.0.0.0/8");
            }
        }
    }

    /** The rule of a runtime nobody configured: public endpoints only. */
    public static EndpointRule publicOnly() {
        return new EndpointRule(List.of(), true, InetAddress::getAllByName);
    }

    /**
     * Checks an endpoint.
     *
     * @throws NgsiLdException BadRequestData naming the host and why it is refused
     */
    public void check(String endpoint) {
        URI uri = URI.create(endpoint);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw NgsiLdException.badData("the endpoint's host '" + host + "' is not known (DNS)");
        }
        if (hosts.contains(host)) {
            return;
        }
        for (InetAddress address : addresses) {
            boolean listed = networks.stream().anyMatch(n -> n.contains(address));
            if (listed) {
                continue;
            }
            if (internal(address)) {
                throw NgsiLdException.badData("the endpoint's host '" + host + "' is " + address.getHostAddress()
                        + ", an internal address (loopback, private, link-local or the like): the operator has not"
                        + " allowed notifications there (ngsild.subscriptions allowedEndpoints)");
            }
            if (!publicAllowed) {
                throw NgsiLdException.badData("the endpoint's host '" + host + "' is not among the endpoints the"
                        + " operator allows (ngsild.subscriptions allowedEndpoints)");
            }
        }
    }

    /** Whether an address belongs to an internal network. */
    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first == 100 && second >= 64 && second < 128 || first >= 240;
        }
        // IPv6 unique local fc00::/7, and IPv4-mapped addresses judged as the IPv4 address they map.
        if ((b[0] & 0xfe) == 0xfc) {
            return true;
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            try {
                return internal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
            } catch (UnknownHostException e) {
                return true;
            }
        }
        return false;
    }

    /** An address and prefix length. */
    private record Network(byte[] address, int prefix) {
        static Network parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            try {
                if (!host.matches("[0-9a-f:.]+")) {
                    throw new IllegalArgumentException("allowed endpoint '" + text + "' is not an address");
                }
                byte[] address = InetAddress.getByName(host).getAddress();
                int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("allowed endpoint '" + text + "' has a prefix out of range");
                }
                return new Network(address, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("allowed endpoint '" + text + "' is not an address or network");
            }
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != address.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((b[bit / 8] & mask) != (address[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
