package nl.regie.runtime.spi.guard;

import java.util.Collection;

import nl.regie.runtime.spi.lifecycle.RuntimeBundles;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Keeps the runtime's packages to the runtime's bundles. A resolver hook, registered when this bundle starts (the
 * first runtime bundle to start), removes from every bundle that is not a runtime bundle (see {@link RuntimeBundles})
 * the candidates that would wire it into the runtime: an import or dynamic import of a {@code nl.regie.runtime}
 * package, a {@code Require-Bundle} of a runtime bundle, and a fragment attaching to one. A plugin that asks for any
 * of these simply does not resolve, and the lifecycle's pre-flight names the missing requirement.
 */
public final class SpiGuard implements BundleActivator, ResolverHookFactory {

    /** The packages hidden from plugins: every package of the runtime, the SPI included. */
    static final String RUNTIME_PACKAGES = "nl.regie.runtime.";

    private RuntimeBundles runtime;
    private ServiceRegistration<ResolverHookFactory> registration;

    @Override
    public void start(BundleContext context) {
        runtime = RuntimeBundles.of(context);
        registration = context.registerService(ResolverHookFactory.class, this, null);
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new Hook(runtime);
    }

    /** One resolve operation's hook. */
    static final class Hook implements ResolverHook {

        private final RuntimeBundles runtime;

        Hook(RuntimeBundles runtime) {
            this.runtime = runtime;
        }

        @Override
        public void filterResolvable(Collection<BundleRevision> candidates) {
            // every bundle may resolve; what it may wire to is filtered below
        }

        @Override
        public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisionCandidates) {
            // not the guard's business
        }

        @Override
        public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
            if (runtime.contains(requirement.getRevision().getBundle())) {
                return;
            }
            candidates.removeIf(this::runtimeOnly);
        }

        /** Whether a capability wires its requirer into the runtime. */
        boolean runtimeOnly(BundleCapability capability) {
            String namespace = capability.getNamespace();
            if (PackageNamespace.PACKAGE_NAMESPACE.equals(namespace)) {
                return capability.getAttributes().get(namespace) instanceof String name
                        && name.startsWith(RUNTIME_PACKAGES);
            }
            if (BundleNamespace.BUNDLE_NAMESPACE.equals(namespace) || HostNamespace.HOST_NAMESPACE.equals(namespace)) {
                return runtime.contains(capability.getRevision().getBundle());
            }
            return false;
        }

        @Override
        public void end() {
            // nothing held
        }
    }
}
