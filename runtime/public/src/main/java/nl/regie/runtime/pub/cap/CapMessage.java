package nl.regie.runtime.pub.cap;

import java.time.Instant;
import java.util.List;

import nl.regie.api.model.Location;

/**
 * One OASIS CAP 1.2 message about one public alert: the first ({@code Alert}), each change ({@code Update}) and the end
 * ({@code Cancel}), each referring to the messages before it. Immutable: a change makes a new message.
 *
 * @param identifier  unique per sender: {@code regie-{site}-{alert key}-{epoch millis of the change}}
 * @param sender      who sends it
 * @param sent        when the alert changed (its updatedAt, or when it was resolved)
 * @param msgType     {@code Alert}, {@code Update} or {@code Cancel}
 * @param references  the earlier messages of the same alert, each {@code sender,identifier,sent}
 * @param alertKey    the key of the runtime's alert
 * @param category    the CAP category ({@code Met}, {@code Fire}, ...)
 * @param event       what happened, in words
 * @param urgency     CAP urgency
 * @param severity    CAP severity
 * @param certainty   CAP certainty
 * @param headline    a short line
 * @param description the alert's description
 * @param instruction what residents should do, or ""
 * @param effective   when the alert was raised
 * @param expires     when it ended, or null while it lasts
 * @param area        where
 */
public record CapMessage(String identifier, String sender, Instant sent, String msgType, List<String> references,
        String alertKey, String category, String event, String urgency, String severity, String certainty,
        String headline, String description, String instruction, Instant effective, Instant expires, Area area) {

    /** Copies the references. */
    public CapMessage {
        references = List.copyOf(references);
    }

    /**
     * A circle around a place.
     *
     * @param description  the area in words
     * @param center       its centre
     * @param radiusMetres its radius, more than 0
     */
    public record Area(String description, Location center, double radiusMetres) {
    }
}
