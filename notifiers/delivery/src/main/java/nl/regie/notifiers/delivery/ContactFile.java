package nl.regie.notifiers.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import nl.regie.api.model.Location;

/**
 * Reads the residents who signed up for warnings on one channel from a text file the plugin's party keeps: one
 * resident a line, {@code longitude,latitude,address} (WGS84, as GeoJSON orders them); blank lines and lines starting
 * with {@code #} are skipped. A file with any bad line is refused whole, the error naming the line and the problem
 * but never the address in clear.
 */
public final class ContactFile {

    private ContactFile() {
    }

    /**
     * Reads and checks a file.
     *
     * @param check the channel's address check: null when the address is fine, else what is wrong with it
     * @throws IllegalArgumentException naming the first bad line
     * @throws IOException              when the file cannot be read
     */
    public static List<Contact> read(Path file, Function<String, String> check) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString(), check);
    }

    /** Parses the lines of a file called {@code name}; see {@link #read}. */
    public static List<Contact> parse(List<String> lines, String name, Function<String, String> check) {
        List<Contact> contacts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = name + " line " + (i + 1) + ": ";
            String[] parts = line.split(",", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + "expected longitude,latitude,address, found "
                        + parts.length + " field(s)");
            }
            String address = parts[2].strip();
            if (address.isEmpty()) {
                throw new IllegalArgumentException(where + "the address is empty");
            }
            String problem = check.apply(address);
            if (problem != null) {
                throw new IllegalArgumentException(where + problem + " (" + Mask.address(address) + ")");
            }
            contacts.add(new Contact(location(parts[0], parts[1], where), address));
        }
        return List.copyOf(contacts);
    }

    private static Location location(String longitude, String latitude, String where) {
        double lon;
        double lat;
        try {
            lon = Double.parseDouble(longitude.strip());
            lat = Double.parseDouble(latitude.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "longitude and latitude must be numbers, not '"
                    + longitude.strip() + "' and '" + latitude.strip() + "'");
        }
        try {
            return Location.of(lon, lat);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage());
        }
    }
}
