package nl.regie.runtime.config;

import java.util.List;
import java.util.Map;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * What a PID's metatype says its configuration may hold.
 *
 * @param attributes every attribute definition of the PID's object class, required and optional
 * @param ranges     the {@code min}/{@code max} of attributes that have them, by attribute id (the MetaType API
 *                   does not expose them; see {@link MetatypeRanges})
 */
record Schema(List<AttributeDefinition> attributes, Map<String, AttributeValue.Range> ranges) {

    Schema {
        attributes = List.copyOf(attributes);
        ranges = Map.copyOf(ranges);
    }
}
