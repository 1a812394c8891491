package nl.regie.runtime.lifecycle.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.testing.FakePluginLifecycle;
import nl.regie.runtime.testing.TestJarFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginCommandsTest {

    @TempDir
    Path workingDir;

    private final FakePluginLifecycle lifecycle = new FakePluginLifecycle();

    private PluginCommands commands() {
        return new PluginCommands(lifecycle, workingDir);
    }

    @Test
    void listIsATable() throws Exception {
        assertEquals("No plugins installed.", commands().list());
        TestJarFiles.bundle(workingDir.resolve("swap.jar"), "com.example.swap", "1.0.0", "one");
        commands().install("swap.jar");
        lifecycle.running("nl.regie.waste", "0.1.0.SNAPSHOT", 12, null);
        assertEquals("""
                PLUGIN            VERSION         BUNDLE  STATE   HEALTHY  PREVIOUS  LAST OPERATION
                com.example.swap  1.0.0           40      ACTIVE  yes      -         -
                nl.regie.waste    0.1.0.SNAPSHOT  12      ACTIVE  yes      -         -""", commands().list());
    }

    @Test
    void operationsAnswerWithTheOutcomeLine() throws Exception {
        TestJarFiles.bundle(workingDir.resolve("swap.jar"), "com.example.swap", "1.0.0", "one");
        assertEquals("com.example.swap 1.0.0 installed", commands().install("swap.jar"));
        lifecycle.jarVersion = "1.1.0";
        assertEquals("com.example.swap updated from 1.0.0 to 1.1.0 (12 readings held, 0 dropped, longest gap 35 ms)",
                commands().update("com.example.swap", workingDir.resolve("swap.jar").toString()));
        lifecycle.jarVersion = "1.2.0";
        assertEquals("com.example.swap updated from 1.1.0 to 1.2.0 (12 readings held, 0 dropped, longest gap 35 ms)",
                commands().update("swap.jar"), "the symbolic name from the jar");
        assertEquals("com.example.swap rolled back from 1.2.0 to 1.1.0 (12 readings held, 0 dropped, longest gap 35 ms)",
                commands().rollback("com.example.swap"));
        assertEquals("com.example.swap 1.1.0 removed", commands().remove("com.example.swap"));
        assertEquals(List.of("shell"), lifecycle.calls.stream().map(c -> c.origin()).distinct().toList());
    }

    @Test
    void aRollbackAndARefusalSayWhy() throws Exception {
        TestJarFiles.bundle(workingDir.resolve("swap.jar"), "com.example.swap", "1.1.0", "one");
        lifecycle.answerNext(FakePluginLifecycle.outcome("com.example.swap", Outcome.Operation.UPDATE, Outcome.Result.ROLLED_BACK,
                "1.0.0", "1.0.0", "component com.example.Swap failed: boom", "shell"));
        assertEquals("com.example.swap update failed and was rolled back, 1.0.0 runs again: component com.example.Swap failed:"
                + " boom (12 readings held, 0 dropped, longest gap 35 ms)", commands().update("com.example.swap", "swap.jar"));
        lifecycle.refuseNext(Reason.BUSY, "an update of com.example.swap is under way");
        assertEquals("refused (BUSY): an update of com.example.swap is under way", commands().remove("com.example.swap"));
        assertEquals("refused (UNKNOWN_PLUGIN): no plugin com.example.swap is installed", commands().rollback("com.example.swap"));
        assertTrue(commands().install("missing.jar").startsWith("No such file: missing.jar (relative paths are taken from "));
        TestJarFiles.library(workingDir.resolve("lib.jar"));
        assertEquals(workingDir.resolve("lib.jar") + " refused (NOT_A_BUNDLE): not an OSGi bundle (its manifest has no"
                + " Bundle-SymbolicName)", commands().update("lib.jar"));
    }

    @Test
    void statusAndHistory() throws Exception {
        assertEquals("No plugin com.example.swap is installed.", commands().status("com.example.swap"));
        assertEquals("No history for com.example.swap: it was never installed.", commands().history("com.example.swap"));
        TestJarFiles.bundle(workingDir.resolve("swap.jar"), "com.example.swap", "1.0.0", "one");
        lifecycle.jarSha256 = "0123456789abcdef0123";
        commands().install("swap.jar");
        assertEquals("""
                com.example.swap 1.0.0 (bundle 40): ACTIVE, healthy
                  previous version: none""", commands().status("com.example.swap"));
        commands().remove("com.example.swap");
        assertEquals("No plugin com.example.swap is installed (it was removed; see regie:history com.example.swap).",
                commands().status("com.example.swap"));
        assertEquals("""
                AT                    OPERATION  RESULT     FROM   TO     ORIGIN  SHA-256       REASON
                2026-06-01T10:00:00Z  INSTALL    INSTALLED  -      1.0.0  shell   0123456789ab
                2026-06-01T10:00:00Z  REMOVE     REMOVED    1.0.0  -      shell   -""", commands().history("com.example.swap"));
    }
}
