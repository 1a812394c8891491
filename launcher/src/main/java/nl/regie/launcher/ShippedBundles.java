package nl.regie.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The bundles packed inside the launcher jar as {@code bundles/NN-name.jar}, in start order (the NN prefix), as files
 * the framework installs by reference ({@code reference:file:...}), so that it reads each in place and never copies
 * it into its cache. The build puts them in the jar; see the launcher's pom.
 *
 * <p>From a jar they are copied once into a folder of the state folder ({@link #FOLDER_IN_STATE}), each under a name
 * that holds the CRC-32 and size the jar's directory gives for it ({@code 58-org.duckdb.duckdb_jdbc-1a2b3c4d-127192593.jar}):
 * a later start whose launcher carries the same bytes finds the file there and copies nothing; a new launcher's bundles
 * get new files, and files no longer shipped are deleted. A copy is written beside its final name and renamed into
 * place, so a file under a final name is whole (its size is checked at every start; its contents are not read again).
 * Run from an IDE, where the bundles are files of the classes folder already, they are installed from there.
 *
 * <p>Why: the history's DuckDB bundle alone is 127 MB; copied out of the launcher jar into a fresh framework cache at
 * every start it cost 218-300 ms of CPU (benchmarks/README.md, "Restarts").
 */
final class ShippedBundles {

    /** The folder of the launcher jar that holds them. */
    private static final String RESOURCES = "bundles/";
    /** The folder of the state folder that holds the copies. */
    static final String FOLDER_IN_STATE = "bundles";

    /** One shipped bundle, as a file. */
    record ShippedBundle(String name, Path file) {

        /** The bundle's location in the framework: its file, by reference. */
        String location() {
            return "reference:" + file.toUri();
        }
    }

    private final Path folder;
    private final List<ShippedBundle> bundles;

    private ShippedBundles(Path folder, List<ShippedBundle> bundles) {
        this.folder = folder;
        this.bundles = List.copyOf(bundles);
    }

    /**
     * The shipped bundles, in start order, each as a file: from the launcher jar, copied into {@code stateDir}'s
     * {@value #FOLDER_IN_STATE} folder where not there already; run from an IDE, the classes folder's own files.
     */
    static ShippedBundles in(Path stateDir) throws IOException {
        Path launcher;
        try {
            launcher = Path.of(ShippedBundles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            throw new IOException("cannot locate the launcher jar: " + e.getMessage(), e);
        }
        if (Files.isDirectory(launcher)) {
            return inFolder(launcher.resolve(RESOURCES));
        }
        return fromJar(launcher, stateDir.resolve(FOLDER_IN_STATE));
    }

    /** The bundles of a folder of {@code NN-name.jar} files, installed from there. */
    static ShippedBundles inFolder(Path folder) throws IOException {
        List<ShippedBundle> bundles = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                        .forEach(f -> bundles.add(new ShippedBundle(name(f.getFileName().toString()), f.toAbsolutePath())));
            }
        }
        bundles.sort(Comparator.comparing(b -> b.file().getFileName().toString()));
        return new ShippedBundles(folder.toAbsolutePath(), bundles);
    }

    /**
     * The bundles of a jar's {@value #RESOURCES} folder, as files of {@code folder}: each copied there unless a file of
     * the same name and size is there already; every other file of the folder is deleted.
     */
    static ShippedBundles fromJar(Path jarPath, Path folder) throws IOException {
        Files.createDirectories(folder);
        List<ShippedBundle> bundles = new ArrayList<>();
        Set<String> current = new HashSet<>();
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            List<JarEntry> entries = jar.stream()
                    .filter(e -> e.getName().startsWith(RESOURCES) && e.getName().endsWith(".jar")
                            && e.getName().indexOf('/', RESOURCES.length()) < 0)
                    .sorted(Comparator.comparing(JarEntry::getName))
                    .toList();
            for (JarEntry entry : entries) {
                String resource = entry.getName().substring(RESOURCES.length());
                String fileName = resource.substring(0, resource.length() - ".jar".length())
                        + String.format(Locale.ROOT, "-%08x-%d.jar", entry.getCrc(), entry.getSize());
                Path file = folder.resolve(fileName);
                if (!Files.isRegularFile(file) || Files.size(file) != entry.getSize()) {
                    copy(jar, entry, file);
                }
                current.add(fileName);
                bundles.add(new ShippedBundle(name(resource), file.toAbsolutePath()));
            }
        }
        deleteAllBut(folder, current);
        return new ShippedBundles(folder.toAbsolutePath(), bundles);
    }

    /** Every shipped bundle, in start order. */
    List<ShippedBundle> list() {
        return bundles;
    }

    /**
     * The prefix of their locations: what the framework property
     * {@code regie.runtime.locations} names, so that the runtime tells its own bundles from plugins.
     */
    String locationPrefix() {
        String uri = folder.toUri().toString();
        return "reference:" + (uri.endsWith("/") ? uri : uri + "/");
    }

    /** {@code org.apache.felix.scr} for {@code 23-org.apache.felix.scr.jar}. */
    private static String name(String fileName) {
        return fileName.substring(0, fileName.length() - ".jar".length()).replaceFirst("^\\d+-", "");
    }

    private static void copy(JarFile jar, JarEntry entry, Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (InputStream in = jar.getInputStream(entry)) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        long size = Files.size(partial);
        if (size != entry.getSize()) {
            Files.deleteIfExists(partial);
            throw new IOException(entry.getName() + " of the launcher jar read back " + size + " bytes, not " + entry.getSize());
        }
        try {
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteAllBut(Path folder, Set<String> keep) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                if (!keep.contains(f.getFileName().toString()) && Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
