package nl.regie.runtime.spi.federation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The federation bundle's account of the wire: this site's link to the shared broker, what each policy rule exported
 * and imported, and what was refused. Registered only while the federation bundle runs; {@code GET /api/federation}
 * and the metrics read it.
 */
@ProviderType
public interface FederationStatus {

    /** A snapshot of everything, taken at once. */
    Snapshot snapshot();

    /**
     * The federation as it is now.
     *
     * @param site       this site's name on the wire
     * @param enabled    whether a shared broker is configured (without one nothing connects and nothing leaves)
     * @param policy     the version of the policy whose rules are in force
     * @param link       the link to the shared broker
     * @param exports    per {@code exports} rule (its text), readings exported
     * @param imports    per {@code imports} rule (its text), readings imported
     * @param refusals   per reason (see {@link Refusal}), readings refused from the wire
     * @param dropped    per reason ({@code queue-full}, {@code hops}, ...), readings that could not leave
     * @param lastRefusal the last refusal, or null
     */
    record Snapshot(String site, boolean enabled, long policy, Link link, Map<String, Long> exports,
            Map<String, Long> imports, Map<String, Long> refusals, Map<String, Long> dropped, Refusal lastRefusal) {
    }

    /**
     * The connection to the shared broker.
     *
     * @param broker        the broker URL
     * @param state         {@code idle} (no broker configured), {@code connecting}, {@code connected} or {@code closed}
     * @param since         when it entered that state, or null
     * @param lastError     the last connection error, or null
     * @param queued        readings waiting to leave (while disconnected, or in a burst)
     * @param queueCapacity how many can wait before new ones are dropped, counted
     * @param sent          readings the broker acknowledged (QoS 1)
     * @param received      messages received from the wire
     * @param sentPerSecond readings acknowledged per second, over the last few seconds
     * @param receivedPerSecond messages received per second, over the last few seconds
     * @param lagMillis     the last imported reading's delay from its export (by the exporter's clock) to its
     *                      arrival here, in milliseconds; -1 before the first
     * @param connectionsRefused connection attempts the broker refused for this site's credentials
     */
    record Link(String broker, String state, Instant since, String lastError, int queued, int queueCapacity, long sent,
            long received, double sentPerSecond, double receivedPerSecond, long lagMillis, long connectionsRefused) {
    }

    /**
     * A reading refused from the wire.
     *
     * @param time   when
     * @param site   the site whose namespace it came in (the publisher)
     * @param topic  the MQTT topic
     * @param reason one of {@code outside-grant}, {@code malformed}, {@code hops}, {@code duplicate}, {@code loop}
     * @param detail what exactly was wrong
     */
    record Refusal(Instant time, String site, String topic, String reason, String detail) {
    }

    /** The reasons of {@link Refusal#reason()}, in the order the metrics list them. */
    List<String> REASONS = List.of("outside-grant", "malformed", "hops", "duplicate", "loop");
}
