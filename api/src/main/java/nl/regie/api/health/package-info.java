/**
 * A plugin's own health check, which the runtime asks before it promotes a new version of the plugin.
 */
@Export
@Version("1.0.0")
package nl.regie.api.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
