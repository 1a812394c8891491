package nl.regie.runtime.web.http;

import java.util.List;

import nl.regie.api.alert.Alert;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.history.Series;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.VisibleEntities;
import nl.regie.runtime.spi.policy.VisibleSeries;
import nl.regie.runtime.web.access.Caller;

/**
 * What one HTTP caller may see of the city state and the alerts: entity types its token may read, and of those what
 * the {@link AccessPolicy} lets its party see, each attribute passed as a {@link Reading} (its source is its owner)
 * through one {@link ReadView} made for the request. An attribute the view withholds is left out, a transformed one
 * (location coarsened) replaces it, and an aggregated one becomes part of a zone entity; an entity with nothing
 * left is not there for this caller. The operator sees everything as it is. Used by one request's thread.
 */
final class PartyView {

    private final Caller caller;
    private final ReadView view;

    private PartyView(Caller caller, ReadView view) {
        this.caller = caller;
        this.view = view;
    }

    /** The view of this caller: none for the operator. */
    static PartyView of(Caller caller, AccessPolicy policy) {
        return new PartyView(caller, caller.operator() ? null : policy.readView(caller.party(), caller.name()));
    }

    /** Whether everything is seen as it is. */
    boolean unfiltered() {
        return view == null;
    }

    /** The entities as the caller may see them, in order; zone entities after the entities they come from. */
    List<EntityState> entities(List<EntityState> entities) {
        if (view == null) {
            return entities;
        }
        return VisibleEntities.of(entities, view, caller::mayRead);
    }

    /** Whether the caller may see this alert: its token reads type Alert and the policy lets its party see it. */
    boolean sees(Alert alert) {
        if (view == null) {
            return true;
        }
        if (!caller.mayRead(Alert.ENTITY_TYPE)) {
            return false;
        }
        return view.apply(new Reading(alert.id(), "category", Value.of(alert.category()), "", alert.updatedAt(),
                alert.updatedAt(), alert.source(), alert.location())) != null;
    }

    /**
     * Whether the caller may see a series of the history: its token reads the entity's type, and the view passes a
     * reading of the series (its last point) as it is, neither withheld nor folded into a zone entity nor changed in
     * value. A coarsened location does not matter: history answers carry no location.
     */
    boolean sees(Series series) {
        if (view == null) {
            return true;
        }
        if (!caller.mayRead(series.entity().type())) {
            return false;
        }
        return VisibleSeries.sees(series, view);
    }
}
