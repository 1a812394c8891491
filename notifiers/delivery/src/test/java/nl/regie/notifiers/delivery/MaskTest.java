package nl.regie.notifiers.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

class MaskTest {

    @Test
    void masksEmailAddressesAndPhoneNumbers() {
        assertEquals("j***@e***.nl", Mask.address("jan.jansen@example.nl"));
        assertEquals("a***@l***", Mask.address("a@localhost"));
        assertEquals("+31*******78", Mask.address("+31612345678"));
        assertEquals("*****", Mask.address("12345"));
    }

    @Test
    void contactShowsItsAddressOnlyMasked() {
        Contact contact = new Contact(Location.of(4.9, 52.37), "jan.jansen@example.nl");
        assertFalse(contact.toString().contains("jansen"), contact.toString());
    }

    @Test
    void scrubsAddressesFromAGatewaysReason() {
        Contact jan = new Contact(Location.of(4.9, 52.37), "jan@example.nl");
        Contact piet = new Contact(Location.of(4.9, 52.37), "+31612345678");
        assertEquals("550 <j***@e***.nl>: no such user; +31*******78 barred",
                Mask.scrub("550 <jan@example.nl>: no such user; +31612345678 barred", List.of(jan, piet)));
        assertEquals("", Mask.scrub(null, List.of(jan)));
    }
}
