package nl.regie.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The working folders of the ITs' launchers, deleted with everything in them when the test JVM ends (after every
 * class has stopped its launchers). A launcher's state folder holds the copies of its shipped bundles (about 130 MB):
 * left behind in the temporary folder, a few test runs fill a developer's disk.
 */
final class TempFolders {

    private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFolders::deleteAll, "delete-it-folders"));
    }

    private TempFolders() {
    }

    /** A new folder in the temporary folder, named with this prefix. */
    static Path create(String prefix) throws IOException {
        Path folder = Files.createTempDirectory(prefix);
        CREATED.add(folder);
        return folder;
    }

    private static void deleteAll() {
        for (Path folder : CREATED) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("could not delete " + folder + ": " + e);
            }
        }
    }
}
