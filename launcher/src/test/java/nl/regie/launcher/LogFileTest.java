package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.LogLevel;

class LogFileTest {

    @TempDir
    Path dir;

    private static String line(int i) {
        return "line %03d %s".formatted(i, "x".repeat(90)); // 100 characters, 101 bytes with the line break
    }

    @Test
    void rotatesBySizeAndKeepsTheNewestFilesOnly() throws IOException {
        Path file = dir.resolve("logs/regie.log");
        try (LogFile log = LogFile.open(new LogFile.Settings(file, 1024, 3))) {
            for (int i = 0; i < 50; i++) {
                log.write(line(i));
            }
        }
        // 10 lines (1010 bytes) fit in a file; 50 lines make five files, of which the newest three are kept.
        assertEquals(List.of(line(40), line(41), line(42), line(43), line(44), line(45), line(46), line(47), line(48), line(49)),
                Files.readAllLines(file));
        assertEquals(line(30), Files.readAllLines(dir.resolve("logs/regie.log.1")).get(0));
        assertEquals(line(20), Files.readAllLines(dir.resolve("logs/regie.log.2")).get(0));
        assertFalse(Files.exists(dir.resolve("logs/regie.log.3")));
        try (var files = Files.list(dir.resolve("logs"))) {
            assertEquals(3, files.count());
        }
        assertTrue(Files.size(file) <= 1024);
    }

    @Test
    void appendsToWhatAnEarlierRunWroteAndCountsItsSize() throws IOException {
        Path file = dir.resolve("regie.log");
        Files.writeString(file, line(0) + "\n".repeat(1) + line(1) + "\n");
        try (LogFile log = LogFile.open(new LogFile.Settings(file, 1024, 2))) {
            for (int i = 2; i < 11; i++) {
                log.write(line(i));
            }
        }
        assertEquals(10, Files.readAllLines(dir.resolve("regie.log.1")).size(), "the earlier run's lines count towards the size");
        assertEquals(List.of(line(10)), Files.readAllLines(file));
    }

    @Test
    void oneFileOnlyStartsAfreshWhenFull() throws IOException {
        Path file = dir.resolve("regie.log");
        try (LogFile log = LogFile.open(new LogFile.Settings(file, 1024, 1))) {
            for (int i = 0; i < 11; i++) {
                log.write(line(i));
            }
        }
        assertEquals(List.of(line(10)), Files.readAllLines(file));
        assertFalse(Files.exists(dir.resolve("regie.log.1")));
    }

    @Test
    void aLineLongerThanTheLimitGetsAFileOfItsOwnAndNothingIsCut() throws IOException {
        Path file = dir.resolve("regie.log");
        String longLine = "y".repeat(3000);
        try (LogFile log = LogFile.open(new LogFile.Settings(file, 1024, 3))) {
            log.write(line(0));
            log.write(longLine);
            log.write(line(1));
        }
        assertEquals(List.of(line(1)), Files.readAllLines(file));
        assertEquals(List.of(longLine), Files.readAllLines(dir.resolve("regie.log.1")));
        assertEquals(List.of(line(0)), Files.readAllLines(dir.resolve("regie.log.2")));
    }

    @Test
    void theConsoleWritesEveryLineDatedWithItsStackTraceAndTheLauncherLinesAsTheyAre() throws IOException {
        Path file = dir.resolve("regie.log");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ConsoleLog console = new ConsoleLog(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, LogFile.open(new LogFile.Settings(file, 1 << 20, 2)));
        console.print(LogLevel.WARN, "nl.regie.waste", "bin full", new IllegalStateException("boom"));
        console.plain("Regie ready in 1.0 s");
        console.closeFile();
        console.plain("Regie stopped");

        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN \\[nl\\.regie\\.waste] bin full:"
                + " IllegalStateException: boom"), lines.get(0));
        assertEquals("java.lang.IllegalStateException: boom", lines.get(1));
        assertTrue(lines.get(2).startsWith("\tat "), lines.get(2));
        assertTrue(lines.get(lines.size() - 1).endsWith(" Regie ready in 1.0 s"), lines.toString());
        assertFalse(String.join("\n", lines).contains("Regie stopped"), "nothing is written after the file is closed");
        assertEquals("Regie ready in 1.0 s\nRegie stopped\n", out.toString(StandardCharsets.UTF_8));
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("\tat "), "no stack trace on the console unless verbose");
    }

    @Test
    void aFileThatCannotBeWrittenIsSaidOnceAndTheConsoleGoesOn() throws IOException {
        Path file = dir.resolve("regie.log");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LogFile log = LogFile.open(new LogFile.Settings(file, 1 << 20, 2));
        ConsoleLog console = new ConsoleLog(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, log);
        log.close(); // as if the disk went away: every write now fails
        console.plain("one");
        console.plain("two");
        assertEquals("one\ntwo\n", out.toString(StandardCharsets.UTF_8));
        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, errors.lines().count(), errors);
        assertTrue(errors.contains("WARN [launcher] log file " + file + ": cannot write, so the log goes to the console only"), errors);
    }
}
