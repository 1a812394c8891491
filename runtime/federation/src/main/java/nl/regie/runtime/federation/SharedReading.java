package nl.regie.runtime.federation;

import nl.regie.api.model.Reading;

/**
 * One reading on the wire, with what travels beside it in MQTT 5 user properties.
 *
 * @param publisher   the site whose namespace it is published in ({@code regie/v1/{publisher}/share/...}); the broker
 *                    lets only that site's credentials publish there
 * @param audience    the site it is addressed to
 * @param originSite  the site where it entered the wire first
 * @param originParty the party that owns it at its origin
 * @param hops        1 when its origin publishes it, one more at each re-export
 * @param readingId   the id it keeps on every hop, for de-duplication
 * @param exportedAt  when the publisher sent it, by the publisher's clock, in milliseconds since the epoch (for lag)
 * @param reading     the reading as it left the publisher (its source is the source at the origin)
 */
record SharedReading(String publisher, String audience, String originSite, String originParty, int hops,
        String readingId, long exportedAt, Reading reading) {
}
