package nl.regie.benchmarks.swap;

import java.nio.file.Files;
import java.nio.file.Path;

import nl.regie.benchmarks.EmbeddedRegie;

import org.osgi.framework.ServiceReference;

/**
 * Swaps the Regie test plugin through the runtime's {@code PluginLifecycle.update}: health-gated, with the
 * plugin's durable subscription held (readings queued, not lost) while the new version starts.
 */
final class RegieSwapper implements Swapper {

    private static final String ORIGIN = "swap benchmark";

    private final EmbeddedRegie framework;
    private final SwapBundles bundles;
    private final Path jars;
    private LifecycleClient lifecycle;

    RegieSwapper(EmbeddedRegie framework, SwapBundles bundles, Path jars) {
        this.framework = framework;
        this.bundles = bundles;
        this.jars = jars;
    }

    @Override
    public String name() {
        return "Regie PluginLifecycle.update";
    }

    @Override
    public String key() {
        return "bus";
    }

    @Override
    public void prepare(int swaps) throws Exception {
        ServiceReference<?> reference = framework.awaitService(LifecycleClient.SERVICE, null, 30_000);
        if (reference == null) {
            throw new IllegalStateException("the runtime registered no " + LifecycleClient.SERVICE
                    + " service within 30 s; is the runtime in the benchmark jar one with the plugin lifecycle?");
        }
        lifecycle = new LifecycleClient(framework, reference);
        Files.createDirectories(jars);
        for (int i = 0; i <= swaps; i++) {
            Files.write(jar(i), bundles.build(SwapBundles.PLUGIN, Swapper.version(i)));
        }
    }

    @Override
    public void install() throws Exception {
        LifecycleClient.Result result = lifecycle.install(jar(0), ORIGIN);
        if (!result.result().equals("INSTALLED")) {
            throw new IllegalStateException("installing the test plugin came to " + result);
        }
    }

    @Override
    public LifecycleClient.Result swap(int index) throws Exception {
        return lifecycle.update(SwapBundles.PLUGIN, jar(index), ORIGIN);
    }

    private Path jar(int index) {
        return jars.resolve(SwapBundles.PLUGIN + "-" + Swapper.version(index) + ".jar");
    }
}
