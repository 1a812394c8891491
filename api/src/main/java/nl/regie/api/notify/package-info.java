/**
 * Notifications to people (residents of an area, crews): plugins send them through {@link nl.regie.api.notify.Notifications};
 * every {@link nl.regie.api.notify.Notifier} service (an SMS gateway, e-mail, the runtime's own recorder) delivers them, and
 * may report what became of them through {@link nl.regie.api.notify.DeliveryReports}.
 */
@Export
@Version("1.1.0")
package nl.regie.api.notify;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
