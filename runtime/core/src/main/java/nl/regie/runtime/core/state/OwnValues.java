package nl.regie.runtime.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.bus.TopicFilter;

/**
 * {@link nl.regie.api.state.CityState#own}: the values one source published that the city state holds, as readings,
 * for a plugin restoring what it had concluded after an update or a restart.
 */
final class OwnValues {

    private OwnValues() {
    }

    /**
     * The current values of {@code source} among {@code entities}, on topics {@code topicFilter} matches, in entity
     * then attribute order; each reading observed and received at the value's {@code observedAt}.
     *
     * @throws IllegalArgumentException naming what is wrong with a malformed filter
     */
    static List<Reading> of(List<EntityState> entities, String source, String topicFilter) {
        TopicFilter filter = TopicFilter.parse(topicFilter);
        List<Reading> own = new ArrayList<>();
        for (EntityState entity : entities) {
            for (Map.Entry<String, AttributeState> attribute : entity.attributes().entrySet()) {
                AttributeState value = attribute.getValue();
                if (!source.equals(value.source())
                        || !filter.matches(entity.id().topicPrefix() + '/' + attribute.getKey())) {
                    continue;
                }
                own.add(new Reading(entity.id(), attribute.getKey(), value.value(), value.unit(), value.observedAt(),
                        value.observedAt(), source, entity.location()));
            }
        }
        return own;
    }
}
