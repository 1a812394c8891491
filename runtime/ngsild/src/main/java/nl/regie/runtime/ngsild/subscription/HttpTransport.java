package nl.regie.runtime.ngsild.subscription;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.Map;

import nl.regie.runtime.ngsild.subscription.Subscription.Endpoint;

/**
 * Notifications over HTTP (the standard's HTTP binding): a POST of the Notification to the endpoint; any 2xx answer
 * is success. Redirects are not followed (a redirect could lead into a network the endpoint rule refuses). The JDK's
 * {@link HttpURLConnection} on the sender's own thread, rather than its {@code HttpClient}: the latter starts a
 * selector thread of its own that outlives the bundle until the client is collected.
 */
public final class HttpTransport implements Transport {

    private final int timeoutMillis;

    /** @param timeout for connecting, and for each read of the answer */
    public HttpTransport(Duration timeout) {
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
    }

    @Override
    public void send(Endpoint endpoint, byte[] body, Map<String, String> headers) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(endpoint.uri()).openConnection();
        try {
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(timeoutMillis);
            connection.setReadTimeout(timeoutMillis);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            headers.forEach(connection::setRequestProperty);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            // Read the answer to its end, so that the connection can be kept alive for the next notification.
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                if (in != null) {
                    in.readNBytes(64 * 1024);
                }
            }
            if (status / 100 != 2) {
                throw new IOException("the endpoint answered " + status);
            }
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }
}
