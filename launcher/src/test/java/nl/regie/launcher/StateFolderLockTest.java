package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One runtime per state folder (a second process is refused the same way: LauncherIT). */
class StateFolderLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondRuntimeOnTheSameStateFolderIsRefusedUntilTheFirstLetsGo() throws Exception {
        Path state = dir.resolve("var/state");
        try (StateFolderLock first = StateFolderLock.acquire(state)) {
            assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(state.resolve(StateFolderLock.FILE)).strip());

            StartupException refused = assertThrows(StartupException.class, () -> StateFolderLock.acquire(state));
            assertEquals("the state folder " + state + " is in use by another Regie (process " + ProcessHandle.current().pid()
                    + "): one state folder serves one runtime (stop that one, or choose another folder with --state-dir)",
                    refused.getMessage());
        }
        try (StateFolderLock again = StateFolderLock.acquire(state)) {
            assertTrue(Files.exists(state.resolve(StateFolderLock.FILE)));
        }
    }

    @Test
    void aStateFolderThatCannotBeMadeIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a folder");

        StartupException refused = assertThrows(StartupException.class, () -> StateFolderLock.acquire(file.resolve("state")));
        assertTrue(refused.getMessage().startsWith("cannot lock the state folder " + file.resolve("state") + ": "), refused.getMessage());
    }
}
