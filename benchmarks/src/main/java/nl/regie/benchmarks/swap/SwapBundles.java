package nl.regie.benchmarks.swap;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

/**
 * Builds the benchmark's bundles at run time with bndlib, from the classes in the benchmark jar (one package
 * per bundle, private), as a vendor's build would: bnd turns the DS annotations into component descriptions and
 * computes the imports against the api and EventAdmin bundles. Each build of the same package with another
 * version gives the "new version" of a plugin; the classes are the same, each revision has its own class loader.
 */
final class SwapBundles {

    /** The Regie plugin that is swapped: a durable whiteboard {@code ReadingListener}. */
    static final String PLUGIN = "nl.regie.benchmarks.swap.plugin";
    /** The EventAdmin handler plugin that is updated with {@code Bundle.update}. */
    static final String HANDLER = "nl.regie.benchmarks.swap.handler";
    /** The publishers the paced thread calls, one for the bus and one for EventAdmin; never updated. */
    static final String DRIVER = "nl.regie.benchmarks.swap.driver";

    private final Path classes;
    private final Path[] apis;

    /**
     * @param classes where the plugin classes are (the benchmark jar or classes folder)
     * @param apis    the bundles whose exports the plugins import (for their versions)
     */
    SwapBundles(Path classes, Path... apis) {
        this.classes = classes;
        this.apis = apis.clone();
    }

    /** The bundle holding package {@code pkg} under its own name as symbolic name, at this version. */
    byte[] build(String pkg, String version) {
        try (Builder builder = new Builder()) {
            builder.setProperty("Bundle-SymbolicName", pkg);
            builder.setProperty("Bundle-Version", version);
            builder.setProperty("Private-Package", pkg);
            builder.setProperty("-dsannotations", "*");
            builder.setProperty("-noextraheaders", "true");
            // The api bundles first: bnd takes a package's version from the first class path entry that has it.
            for (Path api : apis) {
                builder.addClasspath(api.toFile());
            }
            builder.addClasspath(classes.toFile());
            Jar jar = builder.build();
            if (!builder.isOk()) {
                throw new IllegalStateException("bnd could not build " + pkg + " " + version + ": " + builder.getErrors());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            jar.write(out);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException("bnd could not build " + pkg + " " + version + ": " + e, e);
        }
    }
}
