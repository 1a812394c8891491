package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The start's timeline on an injected clock: lines in order of time, CPU time read as Linux writes it. */
class StartupTraceTest {

    @Test
    void phasesAreListedInOrderOfTimeWithTheirCpuTime() {
        AtomicLong now = new AtomicLong(120);
        AtomicLong cpu = new AtomicLong(300);
        StartupTrace trace = new StartupTrace(now::get, cpu::get);
        trace.phase("launcher: first");
        now.set(1_250);
        cpu.set(2_000);
        trace.phase("launcher: second");

        List<String> lines = trace.lines();
        assertEquals(List.of("startup:    120 ms [cpu    300 ms] launcher: first",
                "startup:   1250 ms [cpu   2000 ms] launcher: second"), lines);
    }

    @Test
    void aCpuTimeThatCannotBeReadIsLeftOut() {
        StartupTrace trace = new StartupTrace(() -> 5, () -> -1);
        trace.phase("launcher: somewhere without /proc");
        assertEquals(List.of("startup:      5 ms                 launcher: somewhere without /proc"), trace.lines());
    }

    @Test
    void offRecordsNothing() {
        StartupTrace off = StartupTrace.off();
        off.phase("launcher: anything");
        assertTrue(off.lines().isEmpty());
        assertTrue(StartupTrace.fromSystemProperties(0).lines().isEmpty(), "off unless regie.startup.trace=true");
    }

    @Test
    void theCpuTimeIsUserAndSystemTicksOfAStatLine() {
        // Fields 14 (utime) and 15 (stime), in ticks of 10 ms; a command name with blanks and a ')' does not shift them.
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 123 45 0 0 20 0 30 0 5715948 3133440 382";
        assertEquals(1_680, StartupTrace.cpuMillisOfStat(stat));
    }

    @Test
    void thisProcesssCpuTimeIsReadOnLinux() {
        long cpu = StartupTrace.processCpuMillis();
        assertTrue(cpu > 0 || !java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/stat")), "cpu " + cpu);
    }
}
