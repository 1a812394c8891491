/**
 * Who makes an HTTP request, as the web bundle's access filter found out, for the other bundles that serve HTTP
 * behind it ({@link HttpCaller}), and whether its token still stands for what outlives the request ({@link HttpCallers}); and the source under which an HTTP caller's writes are published
 * ({@link HttpSource}). Exported for runtime bundles only, like the rest of the SPI.
 */
@Export
@Version("1.0.0")
package nl.regie.runtime.spi.access;


import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
