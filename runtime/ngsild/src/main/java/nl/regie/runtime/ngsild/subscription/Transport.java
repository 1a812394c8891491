package nl.regie.runtime.ngsild.subscription;

import java.util.Map;

import nl.regie.runtime.ngsild.subscription.Subscription.Endpoint;

/** Sends one notification to its endpoint, or throws; the caller retries. */
public interface Transport extends AutoCloseable {

    /**
     * Sends, waiting at most the transport's timeout.
     *
     * @param headers Content-Type, Link and the receiver info's headers
     * @throws Exception when the endpoint cannot be reached, times out or refuses (the message says which)
     */
    void send(Endpoint endpoint, byte[] body, Map<String, String> headers) throws Exception;

    @Override
    default void close() {
    }
}
