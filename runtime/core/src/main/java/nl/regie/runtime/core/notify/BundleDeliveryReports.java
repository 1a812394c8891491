package nl.regie.runtime.core.notify;

import java.util.Objects;

import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.DeliveryReports;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The {@link DeliveryReports} service as one bundle sees it: a bundle-scoped service, so every report is recorded as
 * the reporting plugin's, and one plugin cannot overwrite another's.
 */
@Component(scope = ServiceScope.BUNDLE, service = DeliveryReports.class)
public final class BundleDeliveryReports implements DeliveryReports {

    private final Deliveries deliveries;
    private final String notifier;

    /** The view for the bundle that gets the service. */
    @Activate
    public BundleDeliveryReports(@Reference(name = "deliveries") Deliveries deliveries, ComponentContext context) {
        this(deliveries, context.getUsingBundle().getSymbolicName());
    }

    /** The reports of the plugin {@code notifier}, outside a framework (the test kit, tests). */
    public static BundleDeliveryReports of(Deliveries deliveries, String notifier) {
        return new BundleDeliveryReports(deliveries, notifier);
    }

    BundleDeliveryReports(Deliveries deliveries, String notifier) {
        this.deliveries = deliveries;
        this.notifier = Objects.requireNonNull(notifier, "a bundle without a symbolic name cannot report deliveries");
    }

    @Override
    public void report(DeliveryReport report) {
        Objects.requireNonNull(report, "delivery report is required");
        deliveries.record(notifier, report);
    }
}
