/**
 * A plugin's declared scope: what it reads, publishes and actuates, written once as {@link PluginScope} on its
 * component class and carried in its manifest, where the runtime enforces it.
 */
@Export
@Version("1.1.0")
package nl.regie.api.scope;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
