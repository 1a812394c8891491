/**
 * Alerts: first-class entities (Smart Data Models {@code Alert}) that plugins raise, update and resolve, and that
 * the runtime keeps, lists over HTTP and publishes on the bus as {@code Alert/{key}/{attribute}}.
 */
@Export
@Version("1.1.0")
package nl.regie.api.alert;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
