package nl.regie.runtime.core.alert;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.Alerts;
import nl.regie.runtime.core.limits.Limits;
import nl.regie.runtime.core.limits.PluginQuota;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The {@link Alerts} service as one bundle sees it: a bundle-scoped service, so every bundle that gets it has its
 * own instance, and the alerts it raises have the bundle's symbolic name as source. It can update and resolve only
 * that bundle's alerts.
 */
@Component(scope = ServiceScope.BUNDLE, service = Alerts.class)
public final class BundleAlerts implements Alerts {

    private final PluginAlerts alerts;
    private final String source;
    private final PluginQuota quota;

    /** The view for the bundle that gets the service. */
    @Activate
    public BundleAlerts(@Reference(name = "alerts") PluginAlerts alerts, @Reference(name = "limits") Limits limits,
            ComponentContext context) {
        this(alerts, context.getUsingBundle().getSymbolicName(), limits.forBundle(context.getUsingBundle()));
    }

    /** The alerts of the plugin {@code source}, outside a framework (the test kit, tests), without limits. */
    public static BundleAlerts of(PluginAlerts alerts, String source) {
        return new BundleAlerts(alerts, source, PluginQuota.UNLIMITED);
    }

    BundleAlerts(PluginAlerts alerts, String source, PluginQuota quota) {
        this.alerts = alerts;
        this.source = Objects.requireNonNull(source, "a bundle without a symbolic name cannot raise alerts");
        this.quota = quota;
    }

    /**
     * {@inheritDoc} An alert under a key the city state has never seen brings a new entity into it, which counts
     * against the plugin's entity limit.
     */
    @Override
    public Alert raise(AlertRequest request) {
        Objects.requireNonNull(request, "alert request is required");
        quota.checkEntity(request.alertId());
        return alerts.raise(source, request);
    }

    @Override
    public Optional<Alert> resolve(String key, Instant at) {
        Objects.requireNonNull(key, "alert key is required");
        Objects.requireNonNull(at, "the time an alert is resolved is required");
        return alerts.resolve(source, key, at);
    }

    @Override
    public List<Alert> active() {
        return alerts.active();
    }

    @Override
    public List<Alert> own() {
        return alerts.active().stream().filter(a -> source.equals(a.source())).toList();
    }
}
