package nl.regie.waste;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

/**
 * A bin a collection route visits.
 *
 * @param bin      the bin
 * @param location where it is
 */
record Stop(EntityId bin, Location location) {
}
