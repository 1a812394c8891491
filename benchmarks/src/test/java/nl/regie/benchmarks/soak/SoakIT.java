package nl.regie.benchmarks.soak;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's short form, in every build: the distribution of this build, started by its {@code bin/regie} with its
 * {@code config/jvm.options}, with 10,000 simulated devices at a quarter of the simulator's full rate (speed 15: 500
 * packs a second, so that a shared 2-core machine keeps up) for 2 minutes, the plugin updated every 20 s, stream clients
 * coming and going; resident memory, threads, file handles and the bus rate must stay flat by trend after 40 s of
 * warm-up, every update promoted, every stream client served, nothing lost by the loss counters of {@code /metrics}.
 * The long form, an hour at the full rate, is in benchmarks/README.md.
 */
class SoakIT {

    @TempDir
    Path work;

    @Test
    void twoMinutesWithTenThousandDevicesStayFlatAndLoseNothing() throws Exception {
        String regie = System.getProperty("regie.distribution");
        if (regie == null || !Files.isRegularFile(Path.of(regie, "bin", "regie"))) {
            fail("no distribution at " + regie + ": build it first (mvn install), then run this module's verify");
        }
        SoakPlan plan = SoakPlan.parse(new String[] {"--regie", regie, "--minutes", "2", "--speed", "15",
            "--warmup-seconds", "40", "--update-every", "20", "--sample-every", "5", "--clients", "5", "--client-every",
            "5", "--client-stay", "10", "--work", work.toString()});
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        SoakResult result;
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            result = new Soak(plan, out).run();
        } finally {
            System.out.println(report.toString(StandardCharsets.UTF_8));
        }
        String text = report.toString(StandardCharsets.UTF_8);
        assertFalse(result.measured().isEmpty(), text);
        assertTrue(result.updates() >= 5, "fewer updates than planned:\n" + text);
        assertTrue(result.passed(), text);
    }
}
