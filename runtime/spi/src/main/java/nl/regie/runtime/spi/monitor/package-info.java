/**
 * Read-only introspection of the bus, for the runtime's own tooling (the HTTP API's plugins and health, metrics, the
 * test kit): subscribers and their counters; and what each plugin version was refused for acting outside its scope
 * (for the lifecycle's health gate). Moved here from the api's {@code nl.regie.api.monitor} in api 2.0.0:
 * plugins never needed it. Exported for runtime bundles only, like the rest of the SPI.
 */
@Export
@Version("1.0.0")
package nl.regie.runtime.spi.monitor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
