package nl.regie.runtime.lifecycle.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.testing.FakePluginLifecycle;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestJarFiles;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderRouterTest {

    @TempDir
    Path dir;

    private final FakePluginLifecycle lifecycle = new FakePluginLifecycle();
    private final RecordingLogger log = new RecordingLogger();
    private FolderRouter router;
    private PluginsFolderInstaller installer;

    @BeforeEach
    void setUp() {
        router = new FolderRouter(dir, lifecycle, log.logger(), Duration.ZERO);
        installer = new PluginsFolderInstaller(router);
    }

    private Path jar(String file, String version, String content) throws Exception {
        lifecycle.jarVersion = version;
        lifecycle.jarSha256 = JarIdentity.sha256(TestJarFiles.bundle(dir.resolve(file), "com.example.swap", version, content));
        return dir.resolve(file);
    }

    @Test
    void claimsEveryJarOfTheFolderAndNothingElse() throws Exception {
        assertTrue(installer.canHandle(dir.resolve("swap.jar").toFile()), "even one that is gone (FileInstall asks on delete)");
        assertTrue(installer.canHandle(new File(dir.toFile(), "../" + dir.getFileName() + "/swap.jar")));
        assertFalse(installer.canHandle(dir.resolve("nl.regie.waste.cfg").toFile()));
        assertFalse(installer.canHandle(dir.resolve("sub/swap.jar").toFile()));
        assertFalse(installer.canHandle(dir.resolveSibling("elsewhere.jar").toFile()));
        assertFalse(new PluginsFolderInstaller(null).canHandle(dir.resolve("swap.jar").toFile()), "no folder: FileInstall's own way");
        assertEquals(Optional.of(dir.toAbsolutePath().normalize()), installer.directory());
        assertEquals(Optional.empty(), new PluginsFolderInstaller(null).directory());
    }

    @Test
    void aNewJarIsInstalledAChangedOneUpdatedAndADeletedOneRemoved() throws Exception {
        Path v1 = jar("swap.jar", "1.0.0", "one");
        installer.install(v1.toFile());
        assertEquals(List.of("install"), lifecycle.operations());
        assertEquals("plugins folder", lifecycle.calls.get(0).origin());
        assertEquals(List.of("Plugins folder: swap.jar: com.example.swap 1.0.0 installed"), log.messages("info"));

        installer.update(jar("swap.jar", "1.1.0", "two").toFile());
        assertEquals(List.of("install", "update com.example.swap"), lifecycle.operations());
        assertEquals("Plugins folder: swap.jar: com.example.swap updated from 1.0.0 to 1.1.0 (12 readings held, 0 dropped,"
                + " longest gap 35 ms)", log.messages("info").get(1));

        Files.delete(dir.resolve("swap.jar"));
        installer.uninstall(dir.resolve("swap.jar").toFile());
        assertEquals(List.of("install", "update com.example.swap", "remove com.example.swap"), lifecycle.operations());
        assertEquals(Optional.empty(), lifecycle.status("com.example.swap"));
        assertEquals(List.of(), log.messages("warn"));
    }

    @Test
    void aJarWithTheContentThatRunsIsANoOp() throws Exception {
        installer.install(jar("swap.jar", "1.0.0", "one").toFile());
        // The lifecycle wrote the running version's jar after an HTTP update, under the same name or another.
        installer.update(dir.resolve("swap.jar").toFile());
        Files.copy(dir.resolve("swap.jar"), dir.resolve("com.example.swap.jar"));
        installer.install(dir.resolve("com.example.swap.jar").toFile());
        assertEquals(List.of("install"), lifecycle.operations());
        // One of two jars holding the plugin goes: the plugin stays.
        Files.delete(dir.resolve("swap.jar"));
        installer.uninstall(dir.resolve("swap.jar").toFile());
        assertEquals(List.of("install"), lifecycle.operations());
        assertEquals(List.of("Plugins folder: swap.jar: com.example.swap 1.0.0 installed", "Plugins folder: swap.jar is gone,"
                + " but com.example.swap.jar still holds com.example.swap; it stays installed"), log.messages("info"));
        assertEquals(Optional.of(dir.resolve("com.example.swap.jar")), installer.jarOf("com.example.swap"));
    }

    @Test
    void refusalsRollbacksAndUnhealthyInstallsAreWarningsNamingTheFileAndTheReason() throws Exception {
        lifecycle.refuseNext(Reason.NOT_RESOLVABLE, "com.example.swap 1.0.0 cannot be resolved: missing com.example.nowhere");
        installer.install(jar("swap.jar", "1.0.0", "one").toFile());
        lifecycle.answerNext(FakePluginLifecycle.outcome("com.example.swap", Outcome.Operation.INSTALL, Outcome.Result.UNHEALTHY,
                null, "1.0.0", "component com.example.Swap is FAILED_ACTIVATION: boom", "plugins folder"));
        installer.update(dir.resolve("swap.jar").toFile());
        lifecycle.running("com.example.swap", "1.0.0", 41, null);
        lifecycle.answerNext(FakePluginLifecycle.outcome("com.example.swap", Outcome.Operation.UPDATE, Outcome.Result.ROLLED_BACK,
                "1.0.0", "1.0.0", "health check: no database", "plugins folder"));
        installer.update(jar("swap.jar", "1.1.0", "two").toFile());
        assertEquals(List.of(
                "Plugins folder: swap.jar refused (NOT_RESOLVABLE): com.example.swap 1.0.0 cannot be resolved: missing com.example.nowhere",
                "Plugins folder: swap.jar: com.example.swap 1.0.0 installed but not healthy: component com.example.Swap is"
                        + " FAILED_ACTIVATION: boom",
                "Plugins folder: swap.jar: com.example.swap update failed and was rolled back, 1.0.0 runs again: health check:"
                        + " no database (12 readings held, 0 dropped, longest gap 35 ms)"), log.messages("warn"));
    }

    @Test
    void aJarThatIsNotABundleIsAWarningNamingTheFile() throws Exception {
        installer.install(TestJarFiles.library(dir.resolve("library.jar")).toFile());
        installer.install(Files.writeString(dir.resolve("garbage.jar"), "not a zip").toFile());
        installer.uninstall(dir.resolve("library.jar").toFile());
        assertEquals(List.of(), lifecycle.calls);
        assertEquals("Plugins folder: ignored library.jar: not an OSGi bundle (its manifest has no Bundle-SymbolicName)",
                log.messages("warn").get(0));
        assertTrue(log.messages("warn").get(1).startsWith("Plugins folder: ignored garbage.jar: not a readable jar ("));
    }

    @Test
    void aBusyPluginIsTriedAgainWithinThePatience() throws Exception {
        router = new FolderRouter(dir, lifecycle, log.logger(), Duration.ofSeconds(5));
        lifecycle.refuseNext(Reason.BUSY, "an update of com.example.swap is under way");
        router.arrived(jar("swap.jar", "1.0.0", "one"));
        assertEquals(List.of("install", "install"), lifecycle.operations());
        assertEquals(List.of(), log.messages("warn"));

        router = new FolderRouter(dir, lifecycle, log.logger(), Duration.ZERO);
        lifecycle.refuseNext(Reason.BUSY, "an update of com.example.swap is under way");
        router.arrived(jar("swap.jar", "1.1.0", "two"));
        assertEquals(List.of("Plugins folder: swap.jar refused (BUSY): an update of com.example.swap is under way"),
                log.messages("warn"));
    }

    @Test
    void findsTheJarOfAPluginItNeverHandled() throws Exception {
        TestJarFiles.bundle(dir.resolve("a.jar"), "com.example.a", "1.0.0", "a");
        TestJarFiles.library(dir.resolve("lib.jar"));
        assertEquals(Optional.of(dir.resolve("a.jar")), router.jarOf("com.example.a"));
        assertEquals(Optional.empty(), router.jarOf("com.example.b"));
    }
}
