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
 * The soak's short form, for CI: the launcher jar of this build with 10,000 simulated devices for 4 minutes, the
 * plugin updated every 30 s, stream clients coming and going; resident memory, threads, file handles and the bus
 * rate must stay flat by trend after a minute's warm-up, every update promoted, every stream client served.
 */
class SoakIT {

    @TempDir
    Path work;

    @Test
    void fourMinutesWithTenThousandDevicesStayFlat() throws Exception {
        String jar = System.getProperty("regie.launcher.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            fail("no launcher jar at " + jar + ": build the launcher first (mvn install), then run this module's verify");
        }
        SoakPlan plan = SoakPlan.parse(new String[] {"--launcher", jar, "--minutes", "4", "--warmup-seconds", "60",
            "--update-every", "30", "--sample-every", "5", "--clients", "5", "--client-every", "5", "--client-stay",
            "10", "--work", work.toString()});
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        SoakResult result;
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            result = new Soak(plan, out).run();
        } finally {
            System.out.println(report.toString(StandardCharsets.UTF_8));
        }
        String text = report.toString(StandardCharsets.UTF_8);
        assertFalse(result.measured().isEmpty(), text);
        assertTrue(result.updates() >= 6, "fewer updates than planned:\n" + text);
        assertTrue(result.passed(), text);
    }
}
