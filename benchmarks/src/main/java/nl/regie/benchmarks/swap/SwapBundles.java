package nl.regie.benchmarks.swap;

import nl.regie.benchmarks.EmbeddedRegie;

/**
 * The benchmark's bundles, built at run time with bnd from the classes in the benchmark jar (one package per
 * bundle, private), as a vendor's build would (see {@link EmbeddedRegie#buildBundle}): imports computed against the
 * api and EventAdmin bundles. Each build of the same package with another version gives the "new version" of a
 * plugin; the classes are the same, each revision has its own class loader.
 */
final class SwapBundles {

    /** The Regie plugin that is swapped: a durable whiteboard {@code ReadingListener}. */
    static final String PLUGIN = "nl.regie.benchmarks.swap.plugin";
    /** The EventAdmin handler plugin that is updated with {@code Bundle.update}. */
    static final String HANDLER = "nl.regie.benchmarks.swap.handler";
    /** The publishers the paced thread calls, one for the bus and one for EventAdmin; never updated. */
    static final String DRIVER = "nl.regie.benchmarks.swap.driver";

    private final EmbeddedRegie framework;

    /** Builds against the bundles of {@code framework}, which must have EventAdmin. */
    SwapBundles(EmbeddedRegie framework) {
        this.framework = framework;
    }

    /** The bundle holding package {@code pkg} under its own name as symbolic name, at this version. */
    byte[] build(String pkg, String version) {
        return framework.buildBundle(pkg, version);
    }
}
