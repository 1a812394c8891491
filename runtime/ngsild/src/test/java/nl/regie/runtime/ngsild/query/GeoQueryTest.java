package nl.regie.runtime.ngsild.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.Location;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Geo-queries on Regie's point entities: each relation against each geometry, and bad geometries refused. */
class GeoQueryTest {

    /** Amsterdam's Dam square, and a point 1 km north of it (0.008993 degrees of latitude). */
    private static final Location DAM = Location.of(4.8930, 52.3731);
    private static final Location NORTH_1KM = Location.of(4.8930, 52.3731 + 0.0089932);
    private static final String SQUARE = "[[[4.89,52.37],[4.90,52.37],[4.90,52.38],[4.89,52.38],[4.89,52.37]]]";
    private static final String SQUARE_WITH_HOLE = "[[[4.88,52.36],[4.91,52.36],[4.91,52.39],[4.88,52.39],[4.88,52.36]],"
            + "[[4.892,52.372],[4.894,52.372],[4.894,52.374],[4.892,52.374],[4.892,52.372]]]";

    private static GeoQuery geo(String georel, String geometry, String coordinates) {
        return GeoQuery.parse(georel, geometry, coordinates, null);
    }

    @Test
    void nearByMaximumAndMinimumDistance() {
        String dam = "[4.8930,52.3731]";
        assertTrue(geo("near;maxDistance==1001", "Point", dam).test(NORTH_1KM));
        assertFalse(geo("near;maxDistance==990", "Point", dam).test(NORTH_1KM));
        assertTrue(geo("near;minDistance==990", "Point", dam).test(NORTH_1KM));
        assertFalse(geo("near;minDistance==1010", "Point", dam).test(NORTH_1KM));
        assertFalse(geo("near;maxDistance==1000000", "Point", dam).test(null));
    }

    @Test
    void nearALineOrAPolygonMeasuresToItsNearestEdge() {
        // A line along the latitude of the point 1 km north: the Dam is 1 km from it.
        String line = "[[4.88," + NORTH_1KM.latitude() + "],[4.90," + NORTH_1KM.latitude() + "]]";
        assertTrue(geo("near;maxDistance==1005", "LineString", line).test(DAM));
        assertFalse(geo("near;maxDistance==995", "LineString", line).test(DAM));
        assertTrue(geo("near;maxDistance==0", "Polygon", SQUARE).test(DAM));
    }

    @ParameterizedTest(name = "{0} {1} at {2},{3} -> {4}")
    @CsvSource({
        "within, Polygon, 4.8930, 52.3731, true",
        "within, Polygon, 4.9100, 52.3731, false",
        "intersects, Polygon, 4.8930, 52.3731, true",
        "disjoint, Polygon, 4.8930, 52.3731, false",
        "disjoint, Polygon, 4.9100, 52.3731, true",
        "overlaps, Polygon, 4.8930, 52.3731, false",
        "equals, Polygon, 4.8930, 52.3731, false",
    })
    void relationsWithAPolygon(String georel, String geometry, double lon, double lat, boolean expected) {
        assertEquals(expected, geo(georel, geometry, SQUARE).test(Location.of(lon, lat)));
    }

    @Test
    void aHoleIsNotInside() {
        GeoQuery holed = geo("within", "Polygon", SQUARE_WITH_HOLE);
        assertFalse(holed.test(DAM));
        assertTrue(holed.test(Location.of(4.885, 52.365)));
    }

    @Test
    void equalsContainsAndIntersectsAPoint() {
        String dam = "[4.8930,52.3731]";
        assertTrue(geo("equals", "Point", dam).test(DAM));
        assertTrue(geo("contains", "Point", dam).test(DAM));
        assertTrue(geo("intersects", "Point", dam).test(DAM));
        assertFalse(geo("equals", "Point", dam).test(NORTH_1KM));
        assertTrue(geo("intersects", "LineString", "[[4.8930,52.37],[4.8930,52.38]]").test(DAM));
    }

    @Test
    void anotherGeoPropertyThanLocationMatchesNothing() {
        assertFalse(GeoQuery.parse("within", "Polygon", SQUARE, "observationSpace").test(DAM));
    }

    @Test
    void theBoundsHoldEveryMatch() {
        BoundingBox box = geo("near;maxDistance==1001", "Point", "[4.8930,52.3731]").bounds();
        assertTrue(box.contains(NORTH_1KM), box.toString());
        assertFalse(box.contains(Location.of(4.8930, 52.3731 + 0.01)), box.toString());
        assertFalse(geo("disjoint", "Polygon", SQUARE).bounded());
        assertTrue(geo("within", "Polygon", SQUARE).bounded());
    }

    @Test
    void noGeoQueryWithoutParameters() {
        assertNull(GeoQuery.parse(null, null, null, null));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '\t', value = {
        "near\tPoint\t[4.89,52.37]\tmaxDistance",
        "near;maxDistance==-5\tPoint\t[4.89,52.37]\tnon-negative",
        "near;maxDistance==far\tPoint\t[4.89,52.37]\tnon-negative",
        "around\tPoint\t[4.89,52.37]\tgeorel must be",
        "within;x\tPolygon\t" + SQUARE + "\ttakes no modifier",
        "within\tPoint\t[4.89,52.37]\twithin needs a Polygon",
        "equals\tCircle\t[4.89,52.37]\tgeometry must be",
        "equals\tPoint\t[4.89\tJSON array",
        "equals\tPoint\t[190,52.37]\tout of range",
        "equals\tPoint\t[\"4.89\",52.37]\t[lon, lat]",
        "intersects\tLineString\t[[4.89,52.37]]\tat least 2 positions",
        "intersects\tPolygon\t[[[4.89,52.37],[4.90,52.37],[4.90,52.38],[4.89,52.37]],[]]\tat least 4 positions",
        "intersects\tPolygon\t[[[4.89,52.37],[4.90,52.37],[4.90,52.38],[4.89,52.38]]]\tend where it begins",
        "intersects\tPolygon\t[]\tarray of rings",
    })
    void badGeoQueriesAreBadRequestData(String georel, String geometry, String coordinates, String expected) {
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> geo(georel, geometry, coordinates));
        assertEquals(ProblemType.BAD_REQUEST_DATA, e.type());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void partsMissingAndHugePolygonsAreRefused() {
        assertTrue(assertThrows(NgsiLdException.class, () -> geo("within", "Polygon", null)).getMessage()
                .contains("missing coordinates"));
        StringBuilder ring = new StringBuilder("[[");
        for (int i = 0; i <= GeoQuery.MAX_POSITIONS; i++) {
            ring.append("[4.89,52.37],");
        }
        ring.append("[4.89,52.37]]]");
        assertTrue(assertThrows(NgsiLdException.class, () -> geo("within", "Polygon", ring.toString())).getMessage()
                .contains("at most " + GeoQuery.MAX_POSITIONS));
    }
}
