package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import nl.regie.launcher.ShippedBundles.ShippedBundle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's bundles as files: copied from its jar once per content, installed by reference. */
class ShippedBundlesTest {

    @TempDir
    Path dir;

    @Test
    void theBundlesAreCopiedOnceInStartOrderAndInstalledByReferenceFromTheFolder() throws Exception {
        Path jar = launcherJar("first", Map.of("bundles/23-org.apache.felix.scr.jar", "scr", "bundles/10-org.apache.felix.log.jar", "log"));
        Path folder = dir.resolve("state/bundles");

        ShippedBundles shipped = ShippedBundles.fromJar(jar, folder);

        List<ShippedBundle> bundles = shipped.list();
        assertEquals(List.of("org.apache.felix.log", "org.apache.felix.scr"), bundles.stream().map(ShippedBundle::name).toList());
        for (ShippedBundle bundle : bundles) {
            assertEquals(folder.toAbsolutePath(), bundle.file().getParent());
            assertTrue(bundle.location().startsWith(shipped.locationPrefix()), bundle.location());
            assertTrue(bundle.file().getFileName().toString().matches("\\d\\d-org\\.apache\\.felix\\.(log|scr)-[0-9a-f]{8}-3\\.jar"),
                    bundle.file().toString());
        }
        assertArrayEquals("log".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(bundles.get(0).file()));
        assertTrue(shipped.locationPrefix().startsWith("reference:file:/") && shipped.locationPrefix().endsWith("/bundles/"),
                shipped.locationPrefix());

        // The same jar again: nothing is copied.
        FileTime marked = FileTime.fromMillis(0);
        for (ShippedBundle bundle : bundles) {
            Files.setLastModifiedTime(bundle.file(), marked);
        }
        assertEquals(bundles, ShippedBundles.fromJar(jar, folder).list());
        for (ShippedBundle bundle : bundles) {
            assertEquals(marked, Files.getLastModifiedTime(bundle.file()));
        }
    }

    @Test
    void aNewLauncherGetsNewCopiesAndWhatItNoLongerShipsIsDeleted() throws Exception {
        Path folder = dir.resolve("bundles");
        List<ShippedBundle> before = ShippedBundles.fromJar(launcherJar("old", Map.of("bundles/10-a.jar", "a1", "bundles/20-b.jar", "b1")),
                folder).list();
        Files.writeString(folder.resolve("something-else.jar"), "not ours");

        List<ShippedBundle> after = ShippedBundles.fromJar(launcherJar("new", Map.of("bundles/10-a.jar", "a1", "bundles/30-c.jar", "c22")),
                folder).list();

        assertEquals(before.get(0), after.get(0), "a's bytes did not change: the same copy");
        assertEquals(List.of(after.get(0).file().getFileName(), after.get(1).file().getFileName()), files(folder));
        assertEquals("c22", Files.readString(after.get(1).file()));
    }

    @Test
    void aCopyOfTheWrongSizeIsCopiedAgain() throws Exception {
        Path jar = launcherJar("jar", Map.of("bundles/10-a.jar", "the whole bundle"));
        Path folder = dir.resolve("bundles");
        Path file = ShippedBundles.fromJar(jar, folder).list().get(0).file();
        Files.writeString(file, "the wh");   // cut short by something other than the launcher, which renames whole copies into place

        assertEquals(file, ShippedBundles.fromJar(jar, folder).list().get(0).file());
        assertEquals("the whole bundle", Files.readString(file));
        assertFalse(Files.exists(file.resolveSibling(file.getFileName() + ".partial")));
    }

    @Test
    void runFromAClassesFolderTheBundlesAreItsOwnFiles() throws Exception {
        Path bundles = Files.createDirectories(dir.resolve("classes/bundles"));
        Files.writeString(bundles.resolve("20-b.jar"), "b");
        Files.writeString(bundles.resolve("10-a.jar"), "a");
        Files.writeString(bundles.resolve("README.txt"), "not a bundle");

        ShippedBundles shipped = ShippedBundles.inFolder(bundles);

        assertEquals(List.of("a", "b"), shipped.list().stream().map(ShippedBundle::name).toList());
        assertEquals(bundles.resolve("10-a.jar").toAbsolutePath(), shipped.list().get(0).file());
        assertEquals("reference:" + bundles.toAbsolutePath().toUri(), shipped.locationPrefix());
    }

    /** A launcher jar holding these entries (name to content), and a class file beside them as the real one has. */
    private Path launcherJar(String name, Map<String, String> entries) throws IOException {
        Path jar = dir.resolve(name + ".jar");
        Map<String, String> all = new LinkedHashMap<>(entries);
        all.put("nl/regie/launcher/Main.class", "not read");
        all.put("bundles/nested/99-not-shipped.jar", "a folder below bundles/ is not read");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, String> entry : all.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(Path::getFileName).sorted().toList();
        }
    }
}
