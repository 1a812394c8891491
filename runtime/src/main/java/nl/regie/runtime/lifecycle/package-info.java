/**
 * The plugin lifecycle: the one service through which plugins are installed, updated, rolled back and removed.
 *
 * <p>Exported for the runtime's own tooling and the in-framework tests only, under a mandatory attribute: a bundle
 * sees this package only if it imports it with {@code regie.tooling=true}. Plugins compile against the api alone
 * and never do.
 */
@Export(attribute = {"regie.tooling=true", "mandatory:=\"regie.tooling\""})
@Version("1.0.0")
package nl.regie.runtime.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
