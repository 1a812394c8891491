package nl.regie.archetype;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Maven as a child process on a project, as a vendor runs it: the Maven that runs this build ({@code regie.maven.home},
 * else {@code mvn} on the PATH), offline, on this build's local repository ({@code regie.maven.repo.local}), where the
 * reactor has installed what a generated project needs. Its output goes to {@code build.log} in the project.
 */
final class Maven {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private Maven() {
    }

    /** What one run did. */
    record Run(int exitCode, String log) {
    }

    static Run run(Path project, String... goals) throws IOException, InterruptedException {
        String home = System.getProperty("regie.maven.home");
        String repository = System.getProperty("regie.maven.repo.local");
        if (repository == null) {
            fail("regie.maven.repo.local is not set: run this test through Maven (failsafe)");
        }
        List<String> command = new ArrayList<>();
        command.add(home == null || home.isBlank() ? "mvn" : Path.of(home, "bin", "mvn").toString());
        command.addAll(List.of("-B", "-o", "-Dmaven.repo.local=" + repository));
        command.addAll(List.of(goals));
        Path log = project.resolve("build.log");
        Process process = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not end within " + TIMEOUT.toMinutes() + " minutes\n" + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log));
    }
}
