/**
 * Reading a plugin's typed configuration: {@link ConfigEntries} checks the entries of an array setting
 * ({@code id=value}, {@code a|b|c}) with errors that name the key, the entry and what is expected.
 */
@Export
@Version("1.0.0")
package nl.regie.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
