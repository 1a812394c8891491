package nl.regie.runtime.core.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

class StandInPolicyTest {

    private static final Reading LEVEL = Reading.of(EntityId.of("WasteContainer", "bin-001"), "fillingLevel",
            Value.of(0.4), "/", "bin-001");

    private final List<Bundle> bundles = new ArrayList<>();
    private final List<BundleListener> listeners = new ArrayList<>();
    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getBundles" -> bundles.toArray(new Bundle[0]);
                case "addBundleListener" -> listeners.add((BundleListener) args[0]);
                case "removeBundleListener" -> listeners.remove(args[0]);
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private static Bundle bundle(String symbolicName, int[] state) {
        return (Bundle) Proxy.newProxyInstance(StandInPolicyTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getState" -> state[0];
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private void event(int type, Bundle bundle) {
        List.copyOf(listeners).forEach(listener -> listener.bundleChanged(new BundleEvent(type, bundle)));
    }

    @Test
    void withoutASovereigntyBundleEverythingActsForTheCityAndEveryReaderSeesIt() {
        bundles.add(bundle("nl.regie.runtime.core", new int[] {Bundle.ACTIVE}));
        StandInPolicy policy = new StandInPolicy(context);
        assertFalse(policy.closed());
        assertEquals(AccessPolicy.DEFAULT_PARTY, policy.partyOfSource("bin-001"));
        assertEquals(AccessPolicy.DEFAULT_PARTY, policy.partyOfPlugin("nl.regie.waste"));
        assertSame(LEVEL, policy.readView("police", "officer").apply(LEVEL));
        policy.deactivate();
        assertEquals(List.of(), listeners);
    }

    @Test
    void aSovereigntyBundleInAnyStateClosesItAndViewsHandedOutFollow() {
        int[] state = {Bundle.RESOLVED};
        Bundle sovereignty = bundle(StandInPolicy.SOVEREIGNTY, state);
        StandInPolicy policy = new StandInPolicy(context);
        ReadView reader = policy.readView(AccessPolicy.DEFAULT_PARTY, "officer");
        ReadView plugin = policy.pluginView("nl.regie.waste");
        assertSame(LEVEL, reader.apply(LEVEL));
        assertSame(LEVEL, plugin.apply(LEVEL));

        bundles.add(sovereignty);
        event(BundleEvent.INSTALLED, sovereignty);
        assertTrue(policy.closed(), "installed, not started: its policy is not in force, and nothing is shared");
        assertNull(reader.apply(LEVEL));
        assertNull(plugin.apply(LEVEL));
        assertEquals(AccessPolicy.NO_PARTY, policy.partyOfSource("bin-001"));
        assertEquals(AccessPolicy.NO_PARTY, policy.partyOfPlugin("nl.regie.waste"));
        assertEquals(List.of(), policy.grantedServices("nl.regie.waste", "drives"));
        assertNull(policy.exportView("gent").apply(LEVEL));

        state[0] = Bundle.UNINSTALLED;
        bundles.remove(sovereignty);
        event(BundleEvent.UNINSTALLED, sovereignty);
        assertFalse(policy.closed(), "the operator took the sovereignty out: the single-party default");
        assertSame(LEVEL, reader.apply(LEVEL));
    }
}
