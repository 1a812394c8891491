/**
 * The runtime SPI: the services runtime bundles offer each other. Exported for runtime bundles only: a resolver hook
 * in this bundle hides it from every other bundle, so plugins, which compile against the api alone, cannot wire to it.
 */
@Export
@Version("1.2.0")
package nl.regie.runtime.spi.config;


import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
