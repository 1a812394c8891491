package nl.regie.benchmarks.swap;

import java.io.ByteArrayInputStream;

import nl.regie.benchmarks.EmbeddedRegie;

import org.osgi.framework.Bundle;

/**
 * The standard alternative: an EventAdmin handler plugin replaced with a plain {@code Bundle.update} (the
 * framework stops the bundle, swaps its content and starts it again), as FileInstall or a console does it.
 */
final class EventAdminSwapper implements Swapper {

    private final EmbeddedRegie framework;
    private final SwapBundles bundles;
    private byte[][] versions;
    private Bundle bundle;

    EventAdminSwapper(EmbeddedRegie framework, SwapBundles bundles) {
        this.framework = framework;
        this.bundles = bundles;
    }

    @Override
    public String name() {
        return "EventAdmin + Bundle.update";
    }

    @Override
    public String key() {
        return "eventadmin";
    }

    @Override
    public void prepare(int swaps) {
        versions = new byte[swaps + 1][];
        for (int i = 0; i <= swaps; i++) {
            versions[i] = bundles.build(SwapBundles.HANDLER, Swapper.version(i));
        }
    }

    @Override
    public void install() throws Exception {
        bundle = framework.context().installBundle(framework.location(SwapBundles.HANDLER),
                new ByteArrayInputStream(versions[0]));
        bundle.start();
    }

    @Override
    public LifecycleClient.Result swap(int index) throws Exception {
        bundle.update(new ByteArrayInputStream(versions[index]));
        String state = bundle.getState() == Bundle.ACTIVE ? "UPDATED" : "NOT ACTIVE";
        return new LifecycleClient.Result(state, bundle.getVersion().toString(), "", -1, -1, null);
    }
}
