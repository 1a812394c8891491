/**
 * The common operational picture: the current state of every entity the bus has seen.
 */
@Export
@Version("1.1.0")
package nl.regie.api.state;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
