package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

class ZoneGridTest {

    @Test
    void cellsAreAboutTheirSizeAndTheirIdsMakeValidEntityIds() {
        ZoneGrid grid = new ZoneGrid(250);
        Location dam = Location.of(4.8924, 52.3731);
        ZoneGrid.Cell cell = grid.cell(dam);
        Location centre = grid.centre(cell);
        assertEquals(cell, grid.cell(centre));
        assertTrue(dam.distanceMetres(centre) <= 250 * Math.sqrt(2) / 2 + 1, "within half a diagonal");
        ZoneGrid.Cell north = grid.cell(Location.of(centre.longitude(), centre.latitude() + 250 / ZoneGrid.METRES_PER_DEGREE));
        assertEquals(cell.row() + 1, north.row());
        EntityId.of("CrowdFlowObserved", "zone-" + grid.cell(Location.of(-74.0, -40.7)).id());
    }
}
