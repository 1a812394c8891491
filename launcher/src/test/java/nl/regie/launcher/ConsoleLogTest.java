package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

class ConsoleLogTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ConsoleLog console = new ConsoleLog(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), false);

    @Test
    void warningsFromEveryBundleGoToStderrInOneLine() {
        console.logged(entry("org.apache.felix.fileinstall", LogLevel.WARN, "Error while starting bundle: file:/p/x.jar",
                new BundleException("Unable to resolve x")));
        assertTrue(err().matches("\\d\\d:\\d\\d:\\d\\d WARN \\[org\\.apache\\.felix\\.fileinstall] "
                + "Error while starting bundle: file:/p/x\\.jar: Unable to resolve x\n"), err());
        assertEquals("", out());
    }

    @Test
    void infoOnlyFromRegieBundles() {
        console.logged(entry("nl.regie.waste", LogLevel.INFO, "Waste plugin watching", null));
        console.logged(entry("org.apache.felix.http.jetty", LogLevel.INFO, "Started Jetty", null));
        console.logged(entry("nl.regie.waste", LogLevel.DEBUG, "details", null));
        assertTrue(out().endsWith(" INFO [nl.regie.waste] Waste plugin watching\n"), out());
        assertEquals(1, out().lines().count(), out());
    }

    @Test
    void eventsMirroredIntoTheLogAreNotPrintedTwice() {
        console.logged(entry("nl.regie.waste", LogLevel.ERROR, "FrameworkEvent ERROR", null, "Events.Framework"));
        assertEquals("", err());
    }

    @Test
    void aPluginThatRepeatsItselfIsCollapsedAndTheOthersStillPrint() {
        long[] now = {0};
        ByteArrayOutputStream collapsedErr = new ByteArrayOutputStream();
        ConsoleLog collapsing = new ConsoleLog(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(collapsedErr, true, StandardCharsets.UTF_8), false,
                new RepeatedLines(() -> now[0], Duration.ofMinutes(1), 2, 100));
        for (int i = 0; i < 5000; i++) {
            collapsing.logged(entry("nl.regie.waste", LogLevel.WARN, "Ignored WasteContainer/bin-" + i + "/fillingLevel: "
                    + "expected a number from 0 to 1, got " + i, null));
        }
        collapsing.logged(entry("nl.regie.lighting", LogLevel.WARN, "Gave up dimming streetlight lamp-3", null));
        now[0] += Duration.ofMinutes(1).toNanos();
        collapsing.reportLeftOut();
        collapsing.detach();

        List<String> lines = collapsedErr.toString(StandardCharsets.UTF_8).lines().map(l -> l.substring(9)).toList();
        assertEquals(List.of(
                "WARN [nl.regie.waste] Ignored WasteContainer/bin-0/fillingLevel: expected a number from 0 to 1, got 0",
                "WARN [nl.regie.waste] Ignored WasteContainer/bin-1/fillingLevel: expected a number from 0 to 1, got 1",
                "WARN [nl.regie.lighting] Gave up dimming streetlight lamp-3",
                "WARN [nl.regie.waste] 4998 more like this left out in 60 s, the last: Ignored "
                        + "WasteContainer/bin-4999/fillingLevel: expected a number from 0 to 1, got 4999"), lines);
    }

    @Test
    void failuresForDifferentReasonsAreNotAlike() {
        ConsoleLog collapsing = new ConsoleLog(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false,
                new RepeatedLines(() -> 0, Duration.ofMinutes(1), 1, 100));
        collapsing.logged(entry("com.example.failing", LogLevel.ERROR, "could not start", new IllegalStateException("no disk")));
        collapsing.logged(entry("com.example.failing", LogLevel.ERROR, "could not start", new IllegalStateException("no net")));
        collapsing.logged(entry("com.example.failing", LogLevel.ERROR, "could not start", new IllegalStateException("no net")));
        assertEquals(List.of("ERROR [com.example.failing] could not start: IllegalStateException: no disk",
                "ERROR [com.example.failing] could not start: IllegalStateException: no net"),
                err().lines().map(l -> l.substring(9)).toList());
    }

    @Test
    void whatIsLeftOutWhenTheFrameworkStopsIsStillReported() {
        ConsoleLog collapsing = new ConsoleLog(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false,
                new RepeatedLines(() -> 0, Duration.ofMinutes(1), 1, 100));
        collapsing.logged(entry("nl.regie.mobility", LogLevel.WARN, "Ignored peopleCount -1 of zone dam", null));
        collapsing.logged(entry("nl.regie.mobility", LogLevel.WARN, "Ignored peopleCount -2 of zone dam", null));
        collapsing.detach();
        assertTrue(err().endsWith(" WARN [nl.regie.mobility] 1 more like this left out in 0 s, the last: Ignored "
                + "peopleCount -2 of zone dam\n"), err());
    }

    @Test
    void reasonsAreShortAndSayWhatHappened() {
        assertEquals("Unable to resolve x", ConsoleLog.reason(new BundleException("Unable to resolve x")));
        assertEquals("IllegalStateException: boom",
                ConsoleLog.reason(new InvocationTargetException(new IllegalStateException("boom"))));
        assertEquals("NullPointerException", ConsoleLog.reason(new RuntimeException(new NullPointerException())));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static LogEntry entry(String symbolicName, LogLevel level, String message, Throwable failure) {
        return entry(symbolicName, level, message, failure, "LogService");
    }

    private static LogEntry entry(String symbolicName, LogLevel level, String message, Throwable failure, String logger) {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getBundleId" -> 42L;
                    case "getLocation" -> "regie-plugin:" + symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new LogEntry() {
            @Override public Bundle getBundle() { return bundle; }
            @Override public ServiceReference<?> getServiceReference() { return null; }
            @Override @SuppressWarnings("deprecation") public int getLevel() { return level.ordinal(); }
            @Override public String getMessage() { return message; }
            @Override public Throwable getException() { return failure; }
            @Override public long getTime() { return 0; }
            @Override public LogLevel getLogLevel() { return level; }
            @Override public String getLoggerName() { return logger; }
            @Override public long getSequence() { return 0; }
            @Override public String getThreadInfo() { return "main"; }
            @Override public StackTraceElement getLocation() { return null; }
        };
    }
}
