package nl.regie.simulator;

import static nl.regie.simulator.Patterns.HOUR;
import static nl.regie.simulator.Patterns.MINUTE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated city: which devices there are and where, all made from the seed. A small city around
 * Amsterdam's centre (longitude 4.88 to 4.92, latitude 52.36 to 52.38): the first crowd zones, road segments
 * and gauges are real places (Dam square is the event zone, Prins Hendrikkade the bottleneck, the Amstel the
 * rising gauge); the rest are spread over the area.
 *
 * <p>The mix is fixed: about 38% waste bins, 34% streetlights, 3% streetlight group controllers, 8% crowd
 * counters, 12% traffic counters and 5% water gauges; with six devices or more there is at least one of each,
 * with fewer the first kinds in that order. Exactly one streetlight is failed. The city also decides when a
 * bin catches fire (see {@link #nextFire}). The first street of lamps crosses the event zone.
 */
final class City {

    static final double WEST = 4.880;
    static final double EAST = 4.920;
    static final double SOUTH = 52.360;
    static final double NORTH = 52.380;

    /** Device kinds, in the order they are filled in for very small cities. */
    enum Kind {
        BIN("bin", 0.38, 3), LAMP("lamp", 0.34, 3), CROWD("crowd", 0.08, 3), TRAFFIC("traffic", 0.12, 3),
        GAUGE("gauge", 0.05, 2), GROUP("lampgroup", 0.03, 2);

        final String prefix;
        final double share;
        final int digits;

        Kind(String prefix, double share, int digits) {
            this.prefix = prefix;
            this.share = share;
            this.digits = digits;
        }
    }

    private record Place(double lon, double lat, double size) {
    }

    /** Crowd zones: lon, lat, area in m². Dam square first: the event zone. */
    private static final List<Place> SQUARES = List.of(
            new Place(4.8925, 52.3731, 12_500), // Dam
            new Place(4.8828, 52.3641, 6_000), // Leidseplein
            new Place(4.8966, 52.3661, 7_500), // Rembrandtplein
            new Place(4.9003, 52.3725, 5_000), // Nieuwmarkt
            new Place(4.9002, 52.3784, 15_000), // Stationsplein
            new Place(4.8897, 52.3686, 3_000), // Spui
            new Place(4.9020, 52.3676, 9_000), // Waterlooplein
            new Place(4.8840, 52.3746, 4_000)); // Westermarkt

    /** Road segments: lon, lat, capacity in vehicles an hour. Prins Hendrikkade first: the bottleneck. */
    private static final List<Place> ROADS = List.of(
            new Place(4.9005, 52.3775, 1_800), // Prins Hendrikkade
            new Place(4.8945, 52.3755, 1_400), // Damrak
            new Place(4.8915, 52.3685, 1_200), // Rokin
            new Place(4.8806, 52.3720, 1_600), // Nassaukade
            new Place(4.8880, 52.3610, 1_800), // Weteringschans
            new Place(4.8935, 52.3601, 2_000), // Stadhouderskade
            new Place(4.8822, 52.3700, 1_400), // Marnixstraat
            new Place(4.8875, 52.3735, 1_000), // Raadhuisstraat
            new Place(4.9050, 52.3700, 1_600), // Valkenburgerstraat
            new Place(4.9060, 52.3668, 1_800), // Mr. Visserplein
            new Place(4.9150, 52.3630, 1_400), // Sarphatistraat
            new Place(4.9120, 52.3662, 1_000)); // Plantage Middenlaan

    /** Water gauges: lon, lat, normal level in m. The Amstel first: the rising gauge. */
    private static final List<Place> WATERS = List.of(
            new Place(4.9010, 52.3650, 1.20), // Amstel
            new Place(4.8905, 52.3700, 1.24), // Herengracht
            new Place(4.8860, 52.3705, 1.22), // Keizersgracht
            new Place(4.8840, 52.3717, 1.26), // Prinsengracht
            new Place(4.9040, 52.3725, 1.18), // Oudeschans
            new Place(4.9000, 52.3796, 1.28)); // Open Havenfront

    private final long origin;
    private final List<SimDevice> devices;
    private final Map<Kind, Integer> counts;
    private final List<WasteBin> bins = new ArrayList<>();
    private final SplittableRandom incidents;
    private long nextFire;

    private City(long origin, long seed, List<SimDevice> devices, Map<Kind, Integer> counts) {
        this.origin = origin;
        this.devices = Collections.unmodifiableList(devices);
        this.counts = Collections.unmodifiableMap(counts);
        for (SimDevice device : devices) {
            if (device instanceof WasteBin bin) {
                bins.add(bin);
            }
        }
        this.incidents = new SplittableRandom(Patterns.mix(seed ^ 0xF12EL));
        this.nextFire = origin + (long) ((20 + incidents.nextDouble() * 100) * MINUTE);
    }

    /** The city for {@code devices} devices made from {@code seed}, starting at simulated time {@code origin}. */
    static City build(int deviceCount, long seed, long origin) {
        Map<Kind, Integer> counts = mix(deviceCount);
        SplittableRandom random = new SplittableRandom(seed);
        List<SimDevice> devices = new ArrayList<>(deviceCount);

        for (int i = 0; i < counts.get(Kind.BIN); i++) {
            devices.add(new WasteBin(id(Kind.BIN, i), lon(random), lat(random), random.nextLong(), origin));
        }

        int lampCount = counts.get(Kind.LAMP);
        int groupCount = counts.get(Kind.GROUP);
        int failed = lampCount == 0 ? -1 : random.nextInt(lampCount);
        List<List<Streetlight>> streets = new ArrayList<>();
        int streetCount = Math.max(groupCount, lampCount == 0 ? 0 : 1);
        double[][] streetLines = new double[streetCount][];
        for (int g = 0; g < streetCount; g++) {
            streets.add(new ArrayList<>());
            streetLines[g] = new double[] {lon(random), lat(random), random.nextDouble() * Math.PI};
        }
        if (streetCount > 0 && counts.get(Kind.CROWD) > 0) {
            // The first street crosses the event square, so that its crowd has streetlights to brighten.
            Place square = SQUARES.get(0);
            streetLines[0][0] = square.lon();
            streetLines[0][1] = square.lat();
        }
        for (int i = 0; i < lampCount; i++) {
            int street = i % streetCount;
            int position = i / streetCount;
            int perStreet = (lampCount + streetCount - 1) / streetCount;
            double[] line = streetLines[street];
            double metres = (position - perStreet / 2.0) * 35;
            double lon = clamp(line[0] + metres * Math.cos(line[2]) / 67_800, WEST, EAST);
            double lat = clamp(line[1] + metres * Math.sin(line[2]) / 111_200, SOUTH, NORTH);
            int watts = new int[] {40, 60, 60, 75, 100}[random.nextInt(5)];
            Streetlight lamp = new Streetlight(id(Kind.LAMP, i), lon, lat, random.nextLong(), origin, watts, i == failed);
            streets.get(street).add(lamp);
            devices.add(lamp);
        }
        for (int g = 0; g < groupCount; g++) {
            devices.add(new StreetlightGroup(id(Kind.GROUP, g), streetLines[g][0], streetLines[g][1], random.nextLong(),
                    streets.get(g)));
        }

        for (int i = 0; i < counts.get(Kind.CROWD); i++) {
            Place place = i < SQUARES.size() ? SQUARES.get(i)
                    : new Place(lon(random), lat(random), 2_000 + random.nextInt(8_000));
            double peak = 0.1 + 0.7 * random.nextDouble();
            devices.add(new CrowdCounter(id(Kind.CROWD, i), place.lon(), place.lat(), random.nextLong(), place.size(),
                    peak, i == 0));
        }
        for (int i = 0; i < counts.get(Kind.TRAFFIC); i++) {
            Place place = i < ROADS.size() ? ROADS.get(i) : new Place(lon(random), lat(random), 800 + 200 * random.nextInt(7));
            double freeSpeed = place.size() >= 1_400 ? 50 : 30;
            double demand = i % 8 == 0 ? 1.15 + 0.1 * random.nextDouble() : 0.45 + 0.4 * random.nextDouble();
            devices.add(new TrafficCounter(id(Kind.TRAFFIC, i), place.lon(), place.lat(), random.nextLong(),
                    (int) place.size(), freeSpeed, demand));
        }
        for (int i = 0; i < counts.get(Kind.GAUGE); i++) {
            Place place = i < WATERS.size() ? WATERS.get(i)
                    : new Place(lon(random), lat(random), 1.15 + 0.15 * random.nextDouble());
            devices.add(new WaterGauge(id(Kind.GAUGE, i), place.lon(), place.lat(), random.nextLong(), origin,
                    place.size(), i == 0));
        }
        return new City(origin, seed, devices, counts);
    }

    /** How many devices of each kind a city of {@code n} devices has. */
    static Map<Kind, Integer> mix(int n) {
        Kind[] kinds = Kind.values();
        int[] count = new int[kinds.length];
        if (n < kinds.length) {
            for (int i = 0; i < n; i++) {
                count[i] = 1;
            }
        } else {
            // Largest remainder: the floors of the shares, then one more each for the largest fractions.
            int given = 0;
            double[] rest = new double[kinds.length];
            for (int i = 0; i < kinds.length; i++) {
                double exact = kinds[i].share * n;
                count[i] = (int) exact;
                rest[i] = exact - count[i];
                given += count[i];
            }
            while (given < n) {
                int best = 0;
                for (int i = 1; i < kinds.length; i++) {
                    if (rest[i] > rest[best]) {
                        best = i;
                    }
                }
                count[best]++;
                rest[best] = -1;
                given++;
            }
            for (int i = 0; i < kinds.length; i++) {
                if (count[i] == 0) {
                    int largest = 0;
                    for (int j = 1; j < kinds.length; j++) {
                        if (count[j] > count[largest]) {
                            largest = j;
                        }
                    }
                    count[largest]--;
                    count[i] = 1;
                }
            }
        }
        Map<Kind, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < kinds.length; i++) {
            counts.put(kinds[i], count[i]);
        }
        return counts;
    }

    /** Every device, bins first, then streetlights, groups, crowd counters, traffic counters and gauges. */
    List<SimDevice> devices() {
        return devices;
    }

    Map<Kind, Integer> counts() {
        return counts;
    }

    long origin() {
        return origin;
    }

    /** What the city is made of, e.g. "45 bins, 40 streetlights in 4 groups, ...". */
    String describe() {
        List<String> parts = new ArrayList<>();
        add(parts, counts.get(Kind.BIN), "bin", "bins");
        int lamps = counts.get(Kind.LAMP);
        int groups = counts.get(Kind.GROUP);
        if (lamps > 0) {
            parts.add(lamps + (lamps == 1 ? " streetlight" : " streetlights")
                    + (groups > 0 ? " in " + groups + (groups == 1 ? " group" : " groups") : ""));
        }
        add(parts, counts.get(Kind.CROWD), "crowd counter", "crowd counters");
        add(parts, counts.get(Kind.TRAFFIC), "traffic counter", "traffic counters");
        add(parts, counts.get(Kind.GAUGE), "water gauge", "water gauges");
        return String.join(", ", parts);
    }

    /**
     * The bins that catch fire up to simulated time {@code millis}, each set alight at its time: the first fire
     * starts 20 minutes to 2 hours after the start, the next ones at random (on average every 12 simulated hours
     * in a city of up to 50 bins, proportionally more often in a larger one). A bin that is still on fire is not
     * picked again.
     *
     * @return the bins set alight, usually none
     */
    List<WasteBin> nextFire(long millis) {
        if (bins.isEmpty()) {
            return List.of();
        }
        List<WasteBin> lit = new ArrayList<>(1);
        while (nextFire <= millis) {
            WasteBin bin = bins.get(incidents.nextInt(bins.size()));
            bin.advanceTo(nextFire);
            if (!bin.onFire()) {
                bin.ignite(nextFire, 60 + 30 * incidents.nextDouble(), 1 + incidents.nextDouble());
                lit.add(bin);
            }
            double meanHours = 12 * Math.min(1.0, 50.0 / bins.size());
            nextFire += (long) Math.max(10 * MINUTE, -Math.log(1 - incidents.nextDouble()) * meanHours * HOUR);
        }
        return lit;
    }

    private static void add(List<String> parts, int count, String one, String many) {
        if (count > 0) {
            parts.add(count + " " + (count == 1 ? one : many));
        }
    }

    private static String id(Kind kind, int index) {
        return kind.prefix + '-' + String.format("%0" + kind.digits + "d", index + 1);
    }

    private static double lon(SplittableRandom random) {
        return WEST + 0.002 + random.nextDouble() * (EAST - WEST - 0.004);
    }

    private static double lat(SplittableRandom random) {
        return SOUTH + 0.001 + random.nextDouble() * (NORTH - SOUTH - 0.002);
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
