/**
 * The shared data model: entities (NGSI-LD URNs), readings with typed values and SenML units, locations.
 */
@Export
@Version("1.2.0")
package nl.regie.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
