/**
 * Read-only introspection of the runtime, for operators and tooling: subscribers and their counters.
 */
@Export
@Version("1.0.0")
package nl.regie.api.monitor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
