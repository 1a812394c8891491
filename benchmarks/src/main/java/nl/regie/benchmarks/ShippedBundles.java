package nl.regie.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

/**
 * The bundles the build copies into the benchmark jar as {@code bundles/regie/NN-name.jar} (the launcher's, plus
 * EventAdmin), copied out to a folder in start order; and bnd builds of the benchmark's own packages against them.
 */
public final class ShippedBundles {

    static final String API = "nl.regie.api";
    /** The runtime's bundles, one per role: {@code nl.regie.runtime.core}, ... */
    static final String RUNTIME_PREFIX = "nl.regie.runtime.";
    static final String RUNTIME = RUNTIME_PREFIX + "core";
    static final String EVENT_ADMIN = "org.apache.felix.eventadmin";

    private static final String FOLDER = "bundles/regie/";

    /** By name ({@code nl.regie.api}: the file name without order prefix and {@code .jar}), in start order. */
    private final Map<String, Path> files = new LinkedHashMap<>();

    /** Copies the shipped bundles into {@code folder}, EventAdmin only when {@code eventAdmin}. */
    public ShippedBundles(Path folder, boolean eventAdmin) throws IOException {
        Files.createDirectories(folder);
        for (String resource : resources()) {
            String file = resource.substring(FOLDER.length());
            String name = file.replaceFirst("^\\d+-", "").replaceFirst("\\.jar$", "");
            if (name.equals(EVENT_ADMIN) && !eventAdmin) {
                continue; // the swap benchmark's comparison; the launcher does not ship it
            }
            try (InputStream in = ShippedBundles.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException(resource + " is missing from the benchmark jar");
                }
                Path target = folder.resolve(file);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                files.put(name, target);
            }
        }
        for (String required : eventAdmin ? List.of(API, RUNTIME, EVENT_ADMIN) : List.of(API, RUNTIME)) {
            if (!files.containsKey(required)) {
                throw new IOException("the benchmark jar has no " + FOLDER + "*-" + required + ".jar; build it with mvn install");
            }
        }
    }

    /** The bundle files by name, in start order. */
    Map<String, Path> files() {
        return Collections.unmodifiableMap(files);
    }

    /**
     * Builds the bundle of package {@code pkg} (private, its name as symbolic name) at {@code version} with bnd from
     * the benchmark's own classes: DS and bundle annotations read, imports computed against the api bundle and, when
     * copied, EventAdmin.
     */
    public byte[] build(String pkg, String version) {
        try (Builder builder = new Builder()) {
            builder.setProperty("Bundle-SymbolicName", pkg);
            builder.setProperty("Bundle-Version", version);
            builder.setProperty("Private-Package", pkg);
            builder.setProperty("-dsannotations", "*");
            builder.setProperty("-noextraheaders", "true");
            // The api bundles first: bnd takes a package's version from the first class path entry that has it.
            builder.addClasspath(files.get(API).toFile());
            if (files.containsKey(EVENT_ADMIN)) {
                builder.addClasspath(files.get(EVENT_ADMIN).toFile());
            }
            builder.addClasspath(codeSource().toFile());
            Jar jar = builder.build();
            if (!builder.isOk()) {
                throw new IllegalStateException("bnd could not build " + pkg + " " + version + ": " + builder.getErrors());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            jar.write(out);
            return out.toByteArray();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("bnd could not build " + pkg + " " + version + ": " + e, e);
        }
    }

    /** The bundle resources in the benchmark jar (or, run from the classes folder, in it), in start order. */
    private static List<String> resources() throws IOException {
        Path source = codeSource();
        List<String> resources = new ArrayList<>();
        if (Files.isDirectory(source)) {
            Path folder = source.resolve(FOLDER);
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    files.map(f -> FOLDER + f.getFileName()).filter(f -> f.endsWith(".jar")).forEach(resources::add);
                }
            }
        } else {
            try (JarFile jar = new JarFile(source.toFile())) {
                jar.stream().map(JarEntry::getName)
                        .filter(n -> n.startsWith(FOLDER) && n.endsWith(".jar") && n.indexOf('/', FOLDER.length()) < 0)
                        .forEach(resources::add);
            }
        }
        resources.sort(Comparator.naturalOrder());
        return resources;
    }

    /** Where the benchmark's own classes are (the jar, or the classes folder). */
    private static Path codeSource() {
        try {
            return Path.of(ShippedBundles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
