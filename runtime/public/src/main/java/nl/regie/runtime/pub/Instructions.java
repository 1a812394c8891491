package nl.regie.runtime.pub;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import nl.regie.api.model.Location;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;

/** What residents should do: the nearest sandbag points, as the flood plugin publishes them. */
final class Instructions {

    /** The {@code category} of a sandbag point ({@code PointOfInterest}, Smart Data Models). */
    static final String SANDBAG_CATEGORY = "sandbagPoint";

    private Instructions() {
    }

    /**
     * The nearest {@code count} sandbag points to {@code where} among the entities, each with its name and distance,
     * for example {@code Nearest sandbag points: Waterlooplein (320 m), Oosterpark (950 m).}; "" when there is none.
     */
    static String sandbags(List<EntityState> entities, Location where, int count) {
        List<EntityState> nearest = entities.stream()
                .filter(e -> e.location() != null && SANDBAG_CATEGORY.equals(text(e, "category")))
                .sorted(Comparator.comparingDouble(e -> e.location().distanceMetres(where)))
                .limit(count).toList();
        if (nearest.isEmpty()) {
            return "";
        }
        return "Nearest sandbag points: " + nearest.stream().map(e -> {
            String name = text(e, "name");
            return (name == null ? e.id().localId() : name)
                    + String.format(Locale.ROOT, " (%d m)", Math.round(e.location().distanceMetres(where)));
        }).collect(Collectors.joining(", ")) + ".";
    }

    private static String text(EntityState entity, String attribute) {
        AttributeState state = entity.attributes().get(attribute);
        return state != null && state.value() instanceof Value.Text text ? text.value() : null;
    }
}
