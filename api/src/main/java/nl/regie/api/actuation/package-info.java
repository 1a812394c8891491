/**
 * Commands to entities in the city, their results, and the driver SPI that executes them.
 */
@Export
@Version("1.0.0")
package nl.regie.api.actuation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
