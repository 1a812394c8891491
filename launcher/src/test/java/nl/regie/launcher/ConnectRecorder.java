package nl.regie.launcher;

import java.security.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A second net, next to {@link SocketWatch}, for connections that begin and end between two of its polls: a
 * security manager that records every connection (and name look-up) Java code in this JVM attempts to a host that
 * is not loopback, and refuses it, so that nothing leaves the machine even while a test fails. Everything else is
 * allowed. The JDK asks the security manager before every socket connect, datagram send and host-name look-up.
 *
 * <p>JDK 17 still lets a program install one ({@link System#setSecurityManager} is deprecated for removal); where
 * the JDK refuses, {@link #install()} returns {@code null} and the test relies on {@link SocketWatch} alone.
 */
@SuppressWarnings("removal")
final class ConnectRecorder extends SecurityManager {

    private final List<String> connects = new ArrayList<>();
    private final List<String> lookups = new ArrayList<>();
    private final SecurityManager previous;

    private ConnectRecorder(SecurityManager previous) {
        this.previous = previous;
    }

    /** Installs a recorder for this JVM, or returns {@code null} if the JDK does not allow it. */
    static ConnectRecorder install() {
        ConnectRecorder recorder = new ConnectRecorder(System.getSecurityManager());
        try {
            System.setSecurityManager(recorder);
            return recorder;
        } catch (UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Puts back whatever security manager there was before (normally none). */
    void uninstall() {
        System.setSecurityManager(previous);
    }

    /** Connections attempted to hosts beyond loopback, {@code host:port}. */
    synchronized List<String> connects() {
        return List.copyOf(connects);
    }

    /** Host names looked up that are not loopback names. */
    synchronized List<String> lookups() {
        return List.copyOf(lookups);
    }

    @Override
    public void checkConnect(String host, int port) {
        record(host, port);
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
        record(host, port);
    }

    private void record(String host, int port) {
        if (loopback(host)) {
            return;
        }
        synchronized (this) {
            if (port == -1) {
                lookups.add(host);
            } else {
                connects.add(host + ":" + port);
            }
        }
        throw new SecurityException("the test allows no connection beyond loopback: " + host + (port == -1 ? "" : ":" + port));
    }

    /** Decided from the text alone: resolving here would ask this security manager again. */
    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.startsWith("::ffff:127.");
    }

    @Override
    public void checkPermission(Permission permission) {
        // Everything is allowed: this manager only watches.
    }

    @Override
    public void checkPermission(Permission permission, Object context) {
        // Everything is allowed: this manager only watches.
    }
}
