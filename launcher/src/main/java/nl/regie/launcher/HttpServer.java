package nl.regie.launcher;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The HTTP server (Felix HTTP on Jetty) as the launcher checks it: the port must be free before anything
 * starts, and start-up is complete only once the server announces itself as the HTTP Service Runtime.
 */
final class HttpServer {

    private static final String RUNTIME = "org.osgi.service.http.runtime.HttpServiceRuntime";
    private static final String ENDPOINT = "osgi.http.endpoint";

    private HttpServer() {
    }

    /** Fails, saying so, when nothing can listen on {@code host:port}, typically because something else does. */
    static void ensureFree(String host, int port) throws StartupException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new StartupException("HTTP port " + port + " on " + host + " is not available: " + e.getMessage()
                    + " (choose another with --http-port)");
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            throw new StartupException("cannot listen for HTTP on " + host + ":" + port + ": " + ConsoleLog.reason(e));
        }
    }

    /**
     * Waits for the HTTP Service Runtime and returns the URL it serves, checking that it listens where asked.
     *
     * @throws StartupException when it did not come up in time or listens elsewhere (it could not bind)
     */
    static String awaitRunning(BundleContext context, String host, int port, Duration timeout)
            throws StartupException, InterruptedException {
        Filter filter;
        try {
            filter = FrameworkUtil.createFilter("(objectClass=" + RUNTIME + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, filter, null);
        tracker.open(true);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            String wanted = ":" + port + "/";
            while (System.nanoTime() < deadline) {
                ServiceReference<Object> reference = tracker.getServiceReference();
                if (reference != null) {
                    List<String> endpoints = endpoints(reference.getProperty(ENDPOINT));
                    for (String endpoint : endpoints) {
                        if (endpoint.contains(wanted)) {
                            return endpoint;
                        }
                    }
                }
                Thread.sleep(50);
            }
            throw new StartupException("the HTTP server did not start listening on " + host + ":" + port + " within "
                    + timeout.toSeconds() + " s (see the log above)");
        } finally {
            tracker.close();
        }
    }

    /**
     * Sends the server one request of its own, before anyone else's, so that what acts on the first request has acted:
     * the web bundle's {@code JettyProblems} puts Jetty's answers to malformed requests in problem+json from then on.
     * Whatever the answer, or none, is left to the server's own checks.
     */
    static void firstRequest(String url) {
        try {
            java.net.HttpURLConnection connection = (java.net.HttpURLConnection) java.net.URI.create(url + "health")
                    .toURL().openConnection();
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(2_000);
            connection.getResponseCode();
            connection.disconnect();
        } catch (java.io.IOException | IllegalArgumentException e) {
            // not this request's business: the start-up report says whether the server runs
        }
    }

    private static List<String> endpoints(Object property) {
        if (property instanceof String s) {
            return List.of(s);
        }
        if (property instanceof String[] array) {
            return List.of(array);
        }
        if (property instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
