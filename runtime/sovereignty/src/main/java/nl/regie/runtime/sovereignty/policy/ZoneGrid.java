package nl.regie.runtime.sovereignty.policy;

import nl.regie.api.model.Location;

/**
 * A grid of square cells of a given size in metres, for coarsening locations and aggregating per zone.
 *
 * <p>Equirectangular and anchored at longitude 0, latitude 0: a location's north-south distance from the equator in
 * metres gives its row; its east-west distance from the meridian, in metres along its row's central latitude, gives
 * its column. Cells are thus about {@code size} by {@code size} metres anywhere but near the poles, and every
 * location in a cell maps to the same centre and the same id.
 */
final class ZoneGrid {

    /** Metres per degree of latitude on the mean earth sphere. */
    static final double METRES_PER_DEGREE = Location.EARTH_RADIUS_METRES * Math.PI / 180;

    private final int size;

    /** A grid of cells of {@code size} metres. */
    ZoneGrid(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("grid cell size must be at least 1 metre, was " + size);
        }
        this.size = size;
    }

    /** One cell: its row and column from the anchor. */
    record Cell(int size, long row, long column) {

        /** The cell's id, usable in an entity id: {@code 250m_23253_-14}. */
        String id() {
            return size + "m_" + row + "_" + column;
        }
    }

    /** The cell a location falls in. */
    Cell cell(Location location) {
        long row = (long) Math.floor(location.latitude() * METRES_PER_DEGREE / size);
        double metresPerDegreeLongitude = metresPerDegreeLongitude(row);
        long column = (long) Math.floor(location.longitude() * metresPerDegreeLongitude / size);
        return new Cell(size, row, column);
    }

    /** The centre of a cell, clamped to valid coordinates. */
    Location centre(Cell cell) {
        double latitude = (cell.row() + 0.5) * size / METRES_PER_DEGREE;
        double longitude = (cell.column() + 0.5) * size / metresPerDegreeLongitude(cell.row());
        return new Location(clamp(longitude, 180), clamp(latitude, 90));
    }

    /** The location moved to the centre of its cell. */
    Location snap(Location location) {
        return centre(cell(location));
    }

    private double metresPerDegreeLongitude(long row) {
        double centreLatitude = clamp((row + 0.5) * size / METRES_PER_DEGREE, 89.999);
        return METRES_PER_DEGREE * Math.cos(Math.toRadians(centreLatitude));
    }

    private static double clamp(double value, double limit) {
        return Math.max(-limit, Math.min(limit, value));
    }
}
