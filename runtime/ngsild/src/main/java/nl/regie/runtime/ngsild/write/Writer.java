package nl.regie.runtime.ngsild.write;

import java.util.function.Predicate;

import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.access.HttpSource;

/**
 * Who writes through the NGSI-LD API: a token's name and party, whether it is the operator, which entity types it may
 * publish, and which entities it sees (an entity it does not see is not there for it). What it publishes has the
 * source {@link HttpSource#of(String, String) {party}@http/{token}}, so the policy reads its owner from it.
 *
 * @param name       the token's name
 * @param party      its party (the operator writes as the policy's default party)
 * @param operator   whether it may write anything, whoever owns it
 * @param mayPublish whether it may publish an entity type
 * @param sees       whether it sees an entity of the city state
 */
public record Writer(String name, String party, boolean operator, Predicate<String> mayPublish,
        Predicate<EntityState> sees) {

    /** The source of what it publishes. */
    public String source() {
        return HttpSource.of(party, name);
    }
}
