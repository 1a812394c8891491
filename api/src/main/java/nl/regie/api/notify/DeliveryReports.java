package nl.regie.api.notify;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link Notifier} reports what became of the notifications it delivers, so the operator sees it next to the
 * notification ({@code GET /api/notifications}). The runtime gives each bundle its own instance (a bundle-scoped
 * service), so a report is always shown as its plugin's. Optional for a notifier: reference it with optional
 * cardinality.
 */
@ProviderType
public interface DeliveryReports {

    /**
     * Records a notification's outcome on one channel, replacing this plugin's earlier report on the same channel.
     *
     * @throws IllegalArgumentException when the runtime does not know (or no longer keeps) the notification
     */
    void report(DeliveryReport report);
}
