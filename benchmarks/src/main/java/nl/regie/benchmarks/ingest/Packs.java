package nl.regie.benchmarks.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The workload: SenML packs of about 200 bytes, three readings each, from {@value #DEVICES} waste bins. */
final class Packs {

    static final int DEVICES = 100;
    static final int READINGS_PER_PACK = 3;

    private Packs() {
    }

    static String device(int i) {
        return String.format(Locale.ROOT, "bin-%05d", i % DEVICES);
    }

    static String topic(String site, int i) {
        return "regie/v1/" + site + "/dev/" + device(i) + "/tele";
    }

    /** Pack number {@code i}: fill level, temperature and battery of one bin, with a time stamp. */
    static byte[] pack(int i) {
        String device = device(i);
        double time = 1_780_000_000 + i / 1000.0;
        return String.format(Locale.ROOT, "[{\"bn\":\"urn:ngsi-ld:WasteContainer:%s:\",\"bt\":%.3f,"
                + "\"n\":\"fillingLevel\",\"u\":\"/\",\"v\":%.4f},{\"n\":\"temperature\",\"u\":\"Cel\",\"v\":%.2f},"
                + "{\"n\":\"batteryLevel\",\"u\":\"/\",\"v\":%.3f}]", device, time, (i % 1000) / 1000.0,
                15 + (i % 200) / 10.0, 0.5 + (i % 500) / 1000.0).getBytes(StandardCharsets.UTF_8);
    }
}
