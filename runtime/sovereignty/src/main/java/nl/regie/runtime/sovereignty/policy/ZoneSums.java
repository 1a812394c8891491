package nl.regie.runtime.sovereignty.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/**
 * The {@code aggregate=<metres>} transform of one view: the latest count of every entity the view has seen, per
 * entity type, attribute and zone, and their sum per zone. A count reading becomes the sum of its zone, published as
 * entity {@code {Type}:zone-{cellId}} at the centre of the cell; anything else of an aggregated type is withheld.
 *
 * <p>A sum must not stand for one source: a zone's sum is published only while at least the grant's
 * {@linkplain Grant#minSources() minimum} of distinct sources (devices, or plugins) count in it; below that it is
 * withheld and counted. The sum's source is the zone itself ({@code zone-{cellId}}), never a device.
 *
 * <p>An entity that moves to another cell leaves the old one; the old zone's sum is published again with the next
 * reading from that zone. Used by one thread at a time, like its view.
 */
final class ZoneSums {

    /** Entities remembered per view; a new entity beyond this is withheld rather than summed. */
    static final int MAX_MEMBERS = 100_000;

    private final Map<EntityId, Location> located = new HashMap<>();
    private final Map<Key, Map<EntityId, Member>> members = new HashMap<>();
    private final Map<Key, Map<ZoneGrid.Cell, Double>> sums = new HashMap<>();
    /** Per key and cell, how many members each source has there: the distinct sources of a zone. */
    private final Map<Key, Map<ZoneGrid.Cell, Map<String, Integer>>> sources = new HashMap<>();
    private final LongAdder withheld;
    private int size;

    /** @param withheld counts the sums withheld for having too few sources */
    ZoneSums(LongAdder withheld) {
        this.withheld = withheld;
    }

    private record Key(String type, String attribute, int metres) {
    }

    private record Member(ZoneGrid.Cell cell, double value, String source) {
    }

    /** Whether a reading is a count: unit {@code count}, or a number whose attribute name ends in {@code Count}. */
    static boolean isCount(Reading reading) {
        return reading.value() instanceof Value.Number
                && (reading.unit().equals("count") || reading.attribute().endsWith("Count"));
    }

    /**
     * The zone's sum after this reading, or null when it is not a count, its location is unknown, or fewer than
     * {@code minSources} distinct sources count in its zone (then the withheld sum is counted).
     */
    Reading add(Reading reading, int metres, int minSources) {
        EntityId entity = reading.entity();
        Location location = reading.location();
        if (location != null) {
            if (located.size() < MAX_MEMBERS || located.containsKey(entity)) {
                located.put(entity, location);
            }
        } else {
            location = located.get(entity);
        }
        if (location == null || !isCount(reading)) {
            return null;
        }
        ZoneGrid grid = new ZoneGrid(metres);
        ZoneGrid.Cell cell = grid.cell(location);
        Key key = new Key(entity.type(), reading.attribute(), metres);
        Map<EntityId, Member> ofKey = members.computeIfAbsent(key, k -> new HashMap<>());
        Map<ZoneGrid.Cell, Double> sumOfKey = sums.computeIfAbsent(key, k -> new HashMap<>());
        double value = ((Value.Number) reading.value()).value();
        Member before = ofKey.get(entity);
        if (before == null && size >= MAX_MEMBERS) {
            return null;
        }
        Map<ZoneGrid.Cell, Map<String, Integer>> sourcesOfKey = sources.computeIfAbsent(key, k -> new HashMap<>());
        if (before != null) {
            sumOfKey.merge(before.cell(), -before.value(), Double::sum);
            Map<String, Integer> left = sourcesOfKey.get(before.cell());
            if (left.merge(before.source(), -1, Integer::sum) == 0) {
                left.remove(before.source());
            }
        } else {
            size++;
        }
        ofKey.put(entity, new Member(cell, value, reading.source()));
        double sum = sumOfKey.merge(cell, value, Double::sum);
        Map<String, Integer> inCell = sourcesOfKey.computeIfAbsent(cell, c -> new HashMap<>());
        inCell.merge(reading.source(), 1, Integer::sum);
        if (inCell.size() < minSources) {
            withheld.increment();
            return null;
        }
        String zone = "zone-" + cell.id();
        return new Reading(EntityId.of(entity.type(), zone), reading.attribute(), Value.of(sum),
                reading.unit(), reading.observedAt(), reading.receivedAt(), zone, grid.centre(cell));
    }
}
