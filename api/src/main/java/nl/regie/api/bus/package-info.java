/**
 * The reading bus: publish readings, subscribe programmatically or through the {@link nl.regie.api.bus.ReadingListener} whiteboard.
 */
@Export
@Version("1.1.0")
package nl.regie.api.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
