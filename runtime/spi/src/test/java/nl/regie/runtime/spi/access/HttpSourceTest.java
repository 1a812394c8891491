package nl.regie.runtime.spi.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import nl.regie.runtime.spi.federation.ImportedSource;

import org.junit.jupiter.api.Test;

/** The source of an HTTP caller's writes names its party, and no other source is taken for one. */
class HttpSourceTest {

    @Test
    void namesTheTokensParty() {
        assertEquals("parking@http/parking-app", HttpSource.of("parking", "parking-app"));
        assertEquals("parking", HttpSource.party(HttpSource.of("parking", "parking-app")));
    }

    @Test
    void noOtherSourceIsTakenForOne() {
        assertNull(HttpSource.party("bin-001"), "a device");
        assertNull(HttpSource.party("nl.regie.waste"), "a plugin");
        assertNull(HttpSource.party(ImportedSource.of("gent", "city", "nl.flood")), "an imported reading");
        assertNull(HttpSource.party("Parking@http/app"), "not a party name");
        assertNull(HttpSource.party("parking@http/"), "no token");
        assertNull(HttpSource.party("parking@mqtt/app"));
        assertNull(ImportedSource.party(HttpSource.of("parking", "parking-app")), "nor is it an imported one");
    }
}
