package nl.regie.runtime.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

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
    void aMissingFolderSweepsNothing() {
        assertEquals(new NativeLeftovers.Swept(0, 0),
                NativeLeftovers.sweep(tmp.resolve("gone"), NOW, NativeLeftovers.MIN_AGE));
    }
}
