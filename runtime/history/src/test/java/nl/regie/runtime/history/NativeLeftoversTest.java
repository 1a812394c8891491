package nl.regie.runtime.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLeftoversTest {

    static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;

    private Path file(String name, Duration age, int size) throws IOException {
        Path file = Files.write(tmp.resolve(name), new byte[size]);
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
        return file;
    }

    @Test
    void onlyOldCopiesOfTheLibraryAreDeleted() throws IOException {
        Path old = file("libduckdb_java123.so", Duration.ofHours(3), 1_000);
        Path older = file("libduckdb_java4567.so", Duration.ofDays(30), 500);
        Path fresh = file("libduckdb_java89.so", Duration.ofMinutes(2), 1_000);
        Path other = file("libother123.so", Duration.ofDays(30), 1_000);
        Path notALibrary = file("libduckdb_java1.so.txt", Duration.ofDays(30), 1_000);
        Path folder = Files.createDirectory(tmp.resolve("libduckdb_java2.so"));
        Files.setLastModifiedTime(folder, FileTime.from(NOW.minus(Duration.ofDays(30))));

        NativeLeftovers.Swept swept = NativeLeftovers.sweep(tmp, NOW, NativeLeftovers.MIN_AGE);

        assertEquals(new NativeLeftovers.Swept(2, 1_500), swept);
        assertFalse(Files.exists(old));
        assertFalse(Files.exists(older));
        assertTrue(Files.exists(fresh), "one another runtime may be loading right now stays");
        assertTrue(Files.exists(other));
        assertTrue(Files.exists(notALibrary));
        assertTrue(Files.isDirectory(folder));
    }

    @Test
    void aSymbolicLinkIsNotFollowedNorDeleted() throws IOException {
        Path target = file("precious.so", Duration.ofDays(30), 10);
        Path link = Files.createSymbolicLink(tmp.resolve("libduckdb_java666.so"), target);

        assertEquals(new NativeLeftovers.Swept(0, 0), NativeLeftovers.sweep(tmp, NOW, NativeLeftovers.MIN_AGE));
        assertTrue(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(target));
    }

    @Test
    void theLoadedCopyIsFoundInTheMapsListingAndADeletedOneIsNot() {
        List<String> maps = List.of(
                "7f0a1c000000-7f0a1c021000 rw-p 00000000 00:00 0 ",
                "7f0a2d400000-7f0a2e9f2000 r-xp 00000000 fe:00 1310 /usr/lib/x86_64-linux-gnu/libc.so.6",
                "7f0a30000000-7f0a33d00000 r--p 00000000 fe:00 5312 /tmp/libduckdb_java6455372208909989983.so",
                "7f0a33d00000-7f0a35000000 r-xp 03d00000 fe:00 5312 /tmp/libduckdb_java6455372208909989983.so");
        assertEquals(Optional.of(Path.of("/tmp/libduckdb_java6455372208909989983.so")), NativeLeftovers.loadedCopy(maps));
        assertEquals(Optional.empty(), NativeLeftovers.loadedCopy(List.of(
                "7f0a30000000-7f0a33d00000 r--p 00000000 fe:00 5312 /tmp/libduckdb_java645.so (deleted)",
                "7f0a30000000-7f0a33d00000 r--p 00000000 fe:00 5312 /tmp/libduckdb_javaX.so",
                "7f0a30000000-7f0a33d00000 r--p 00000000 fe:00 5312 /usr/lib/libduckdb_java.so",
                "7f0a30000000-7f0a33d00000 r--p 00000000 fe:00 5312 /opt/duckdb/libduckdb_java.so.1")));
    }

    @Test
    void theCopyThisProcessLoadedIsDeletedAndDuckDbGoesOnWorking() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "a system with /proc");
        try (HistoryStore store = HistoryStore.open(null, HistoryStoreTest.SETTINGS, HistoryStoreTest.CLOCK, message -> { })) {
            // Another test class in this JVM may have had the history delete it already.
            Optional<Path> loaded = NativeLeftovers.loadedCopy(Files.readAllLines(maps));

            NativeLeftovers.deleteLoadedCopy(message -> { });

            List<String> after = Files.readAllLines(maps);
            assumeTrue(after.stream().anyMatch(line -> line.contains("/" + NativeLeftovers.PREFIX)),
                    "DuckDB loaded from a copy in the temporary folder, as its driver does");
            assertEquals(Optional.empty(), NativeLeftovers.loadedCopy(after), "still mapped, but deleted: " + after.stream()
                    .filter(line -> line.contains(NativeLeftovers.PREFIX)).toList());
            assertTrue(after.stream().anyMatch(line -> line.contains("/" + NativeLeftovers.PREFIX) && line.endsWith(" (deleted)")));
            loaded.ifPresent(copy -> assertFalse(Files.exists(copy), copy + " deleted"));
            HistoryStore again = HistoryStore.open(null, HistoryStoreTest.SETTINGS, HistoryStoreTest.CLOCK, message -> { });
            again.close();
        }
    }

    @Test
    void aMissingFolderSweepsNothing() {
        assertEquals(new NativeLeftovers.Swept(0, 0),
                NativeLeftovers.sweep(tmp.resolve("gone"), NOW, NativeLeftovers.MIN_AGE));
    }
}
