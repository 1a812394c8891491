package nl.regie.runtime.core.scope;

import java.util.function.Function;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The core's policy service, registered with the lowest ranking so that the operator's (the sovereignty bundle's
 * {@code PolicyComponent}) takes over from it at once. What it says depends on whether a bundle
 * {@value #SOVEREIGNTY} is installed, in any state:
 * <ul>
 * <li>none: the runtime runs without one ({@code --without sovereignty}), and this is {@link SinglePartyPolicy}:
 * everything acts for {@value AccessPolicy#DEFAULT_PARTY};</li>
 * <li>one: the operator's policy belongs here, and whenever its service is not registered (the bundle stopped, updated,
 * refreshed, or its component reactivated) this is {@link ClosedPolicy}: nothing is shared until it is back. It fails
 * closed: an operator's grants never widen to everyone for a moment.</li>
 * </ul>
 * One service object throughout, so that the components holding it through a static reference are not reactivated
 * when the sovereignty bundle comes or goes; the views it hands out follow the change (as {@link FollowingView} follows
 * the policy service).
 */
@Component(service = AccessPolicy.class, immediate = true,
        property = Constants.SERVICE_RANKING + ":Integer=" + Integer.MIN_VALUE)
public final class StandInPolicy implements AccessPolicy {

    /** The symbolic name of the bundle with the operator's policy. */
    public static final String SOVEREIGNTY = "nl.regie.runtime.sovereignty";

    private static final AccessPolicy OPEN = new SinglePartyPolicy();
    private static final AccessPolicy CLOSED = new ClosedPolicy();

    private final BundleContext context;
    private final BundleListener listener;
    private volatile AccessPolicy current;

    /** Starts following the sovereignty bundle's installs and uninstalls. */
    @Activate
    public StandInPolicy(BundleContext context) {
        this.context = context;
        this.listener = event -> {
            if (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UNINSTALLED) {
                decide();
            }
        };
        context.addBundleListener(listener);
        decide();
    }

    @Deactivate
    void deactivate() {
        try {
            context.removeBundleListener(listener);
        } catch (IllegalStateException e) {
            // the core is stopping: its listeners go with it
        }
    }

    private void decide() {
        boolean installed = false;
        for (Bundle bundle : context.getBundles()) {
            installed |= SOVEREIGNTY.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED;
        }
        current = installed ? CLOSED : OPEN;
    }

    /** Whether it is closed now: a sovereignty bundle is installed. */
    boolean closed() {
        return current == CLOSED;
    }

    @Override
    public String partyOfPlugin(String symbolicName) {
        return current.partyOfPlugin(symbolicName);
    }

    @Override
    public String partyOfSource(String source) {
        return current.partyOfSource(source);
    }

    @Override
    public ReadView readView(String readerParty, String readerName) {
        return new Following(policy -> policy.readView(readerParty, readerName));
    }

    @Override
    public ReadView pluginView(String symbolicName) {
        return new Following(policy -> policy.pluginView(symbolicName));
    }

    /** A reader's view that goes over to the other policy when the sovereignty bundle is installed or uninstalled. */
    private final class Following implements ReadView {

        private final Function<AccessPolicy, ReadView> viewOf;
        private AccessPolicy policy;
        private ReadView view;

        Following(Function<AccessPolicy, ReadView> viewOf) {
            this.viewOf = viewOf;
        }

        @Override
        public Reading apply(Reading reading) {
            AccessPolicy now = current;
            if (now != policy) {
                view = viewOf.apply(now);
                policy = now;
            }
            return view.apply(reading);
        }
    }
}
