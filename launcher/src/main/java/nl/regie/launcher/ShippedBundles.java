package nl.regie.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The bundles packed inside the launcher jar as {@code bundles/NN-name.jar}, in start order (the NN prefix).
 * The build puts them there; see the launcher's pom.
 */
final class ShippedBundles {

    private static final String FOLDER = "bundles/";

    /** One shipped bundle: its resource name ({@code bundles/23-org.apache.felix.scr.jar}). */
    record ShippedBundle(String resource) {

        /** The name without folder, order prefix and extension: {@code org.apache.felix.scr}. */
        String name() {
            String file = resource.substring(resource.lastIndexOf('/') + 1, resource.length() - ".jar".length());
            return file.replaceFirst("^\\d+-", "");
        }

        /** The bundle's location in the framework: where it came from. */
        String location() {
            return "regie-launcher:" + resource;
        }

        /** The bundle's bytes. */
        InputStream open() throws IOException {
            InputStream in = ShippedBundles.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new IOException(resource + " is missing from the launcher");
            }
            return in;
        }
    }

    private ShippedBundles() {
    }

    /** Every shipped bundle, in start order. Reads the launcher jar (or, run from an IDE, its classes folder). */
    static List<ShippedBundle> list() throws IOException {
        Path launcher;
        try {
            launcher = Path.of(ShippedBundles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            throw new IOException("cannot locate the launcher jar: " + e.getMessage(), e);
        }
        List<ShippedBundle> bundles = new ArrayList<>();
        if (Files.isDirectory(launcher)) {
            Path folder = launcher.resolve(FOLDER);
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jar"))
                            .forEach(f -> bundles.add(new ShippedBundle(FOLDER + f)));
                }
            }
        } else {
            try (JarFile jar = new JarFile(launcher.toFile())) {
                jar.stream().map(JarEntry::getName)
                        .filter(n -> n.startsWith(FOLDER) && n.endsWith(".jar") && n.indexOf('/', FOLDER.length()) < 0)
                        .forEach(n -> bundles.add(new ShippedBundle(n)));
            }
        }
        bundles.sort(Comparator.comparing(ShippedBundle::resource));
        return bundles;
    }
}
