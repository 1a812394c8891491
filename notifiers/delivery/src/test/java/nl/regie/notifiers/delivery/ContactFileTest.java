package nl.regie.notifiers.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

class ContactFileTest {

    private static final Function<String, String> NEEDS_AT = a -> a.contains("@") ? null : "not an e-mail address";

    @Test
    void readsResidentsSkippingCommentsAndBlankLines() {
        List<Contact> contacts = ContactFile.parse(List.of("# residents", "", " 4.90, 52.37 , jan@example.nl ",
                "4.91,52.36,piet@example.nl"), "contacts", NEEDS_AT);
        assertEquals(List.of(new Contact(Location.of(4.90, 52.37), "jan@example.nl"),
                new Contact(Location.of(4.91, 52.36), "piet@example.nl")), contacts);
    }

    @Test
    void refusesTheFileWholeNamingTheLineAndNeverTheAddressInClear() {
        assertEquals("contacts line 2: not an e-mail address (+31*******78)", refusal("4.9,52.3,a@b.nl",
                "4.9,52.3,+31612345678"));
        assertEquals("contacts line 1: expected longitude,latitude,address, found 2 field(s)", refusal("4.9,a@b.nl"));
        assertEquals("contacts line 1: expected longitude,latitude,address, found 4 field(s)",
                refusal("4.9,52.3,a@b.nl,extra"));
        assertEquals("contacts line 1: the address is empty", refusal("4.9,52.3, "));
        assertEquals("contacts line 1: longitude and latitude must be numbers, not 'east' and '52.3'",
                refusal("east,52.3,a@b.nl"));
        assertTrue(refusal("4.9,95,a@b.nl").startsWith("contacts line 1: latitude 95.0 must be between"));
    }

    @Test
    void anEmptyFileHasNoResidents() {
        assertTrue(ContactFile.parse(List.of("# nobody yet"), "contacts", NEEDS_AT).isEmpty());
    }

    private static String refusal(String... lines) {
        String message = assertThrows(IllegalArgumentException.class,
                () -> ContactFile.parse(List.of(lines), "contacts", NEEDS_AT)).getMessage();
        assertFalse(message.contains("612345678"), message);
        return message;
    }
}
