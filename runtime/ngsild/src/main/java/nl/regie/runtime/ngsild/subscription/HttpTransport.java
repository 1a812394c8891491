package nl.regie.runtime.ngsild.subscription;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;

import nl.regie.runtime.ngsild.subscription.Subscription.Endpoint;

/**
 * Notifications over HTTP (clause 7.2 of the binding): a POST of the Notification to the endpoint; any 2xx answer is
 * success. Redirects are not followed (a redirect could lead into a network the endpoint rule refuses).
 */
public final class HttpTransport implements Transport {

    private final HttpClient client;
    private final Duration timeout;

    /** @param timeout for connecting and for the whole answer */
    public HttpTransport(Duration timeout, Executor executor) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor).build();
        this.timeout = timeout;
    }

    @Override
    public void send(Endpoint endpoint, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.uri())).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("the endpoint answered " + response.statusCode());
        }
    }
}
