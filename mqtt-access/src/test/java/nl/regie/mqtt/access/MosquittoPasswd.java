package nl.regie.mqtt.access;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code mosquitto_passwd}, the tool operators keep Mosquitto's password files with. When it is not installed
 * the test is skipped, unless the environment variable {@code CI} is {@code true}: then it fails, so CI never passes
 * by skipping.
 */
final class MosquittoPasswd {

    static final Path BINARY = Path.of("/usr/bin/mosquitto_passwd");

    private MosquittoPasswd() {
    }

    static void assumeInstalled() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        String message = BINARY + " is not installed; install Debian's mosquitto package to run this test";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: not skipping)");
        }
        assumeTrue(false, message);
    }

    /** Runs it with these arguments and returns what it printed; fails unless it exits with 0. */
    static String run(Path dir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(dir, "mosquitto_passwd", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mosquitto_passwd did not finish within 30 s");
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError("mosquitto_passwd " + arguments[0] + " exited with " + process.exitValue() + ": " + printed);
        }
        return printed;
    }
}
