package nl.regie.runtime.pub.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.Location;
import nl.regie.runtime.pub.register.RegisterFormats.Language;
import nl.regie.runtime.pub.register.SensorRegister.Measure;
import nl.regie.runtime.pub.register.SensorRegister.Recipient;
import nl.regie.runtime.pub.register.SensorRegister.Sensor;
import nl.regie.runtime.pub.register.SharedLastDays.Shared;
import nl.regie.runtime.pub.register.SharedLastDays.Summary;
import nl.regie.runtime.spi.history.History.Retention;
import nl.regie.runtime.spi.policy.SharingRule.Form;

import org.junit.jupiter.api.Test;

/** The register's JSON, CSV and page: both languages, no purpose shown as such, hostile text harmless. */
class RegisterFormatsTest {

    private static final Instant T = Instant.parse("2030-01-01T10:00:00Z");
    private static final String HOSTILE = "=HYPERLINK(\"http://evil\"),<script>alert(1)</script>";

    private final Sensor declared = new Sensor("bin-001", "WasteContainer", Location.of(4.9, 52.37),
            List.of(new Measure("fillingLevel", "/")), "contractor",
            new Purpose("WasteContainer", "GDPR art. 6(1)(e)", false, "Empty full bins", "Volle bakken legen"), false,
            List.of(new Recipient("contractor", false, true, Form.RAW, false, List.of(), List.of("nl.regie.waste")),
                    new Recipient("police", false, false, Form.COARSENED, false, List.of("contractor>police W/# grid=9"),
                            List.of()),
                    new Recipient("gent", true, false, Form.AGGREGATED, false, List.of("x"), List.of())),
            new Retention(Duration.ofDays(7), Duration.ofDays(90)), "privacy@example.org");
    private final Sensor undeclared = new Sensor("lamp-001", "Streetlight", null, List.of(), "city", null, false,
            List.of(new Recipient("city", false, true, Form.RAW, false, List.of(), List.of())), null, HOSTILE);
    private final Summary shared = new Summary(List.of(new Shared("city", "contractor", "WasteContainer", "raw", 42)),
            false);

    @Test
    void thePageIsInDutchAndInEnglishWithAMapAndNamesAMissingPurpose() {
        String nl = RegisterFormats.html(List.of(declared, undeclared), shared, Language.NL, T);
        assertTrue(nl.contains("lang=\"nl\"") && nl.contains("Sensorregister") && nl.contains("Volle bakken legen"));
        assertTrue(nl.contains("Geen doel opgegeven voor dit type"));
        assertTrue(nl.contains("<svg id=\"map\"") && nl.contains("href=\"#d-bin-001\""), "a map drawn from coordinates");
        assertTrue(nl.contains("<td>42</td>"), "what was shared in 30 days");
        String en = RegisterFormats.html(List.of(declared, undeclared), shared, Language.EN, T);
        assertTrue(en.contains("Sensor register") && en.contains("Empty full bins")
                && en.contains("No purpose declared for this type") && en.contains("location coarsened")
                && en.contains("only summed per zone") && en.contains("other site gent"));
        assertFalse(en.contains("<script>"), "configuration text is escaped");
        assertTrue(RegisterFormats.html(List.of(), new Summary(List.of(), false), Language.EN, T)
                .contains("Nothing shared in this period."));
    }

    @Test
    void aLanguageOtherThanDutchOrEnglishIsRefused() {
        assertEquals(Language.NL, Language.of(null));
        assertEquals(Language.EN, Language.of("en"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Language.of("de")).getMessage()
                .contains("'nl' or 'en'"));
    }

    @Test
    void theCsvHasOneRowPerSensorQuotedAndSafeInASpreadsheet() {
        String csv = RegisterFormats.csv(List.of(declared, undeclared));
        String[] lines = csv.split("\r\n");
        assertEquals(3, lines.length);
        assertEquals(String.join(",", RegisterFormats.CSV_COLUMNS), lines[0]);
        assertTrue(lines[1].startsWith("bin-001,WasteContainer,4.9,52.37,fillingLevel (/),contractor,yes,"),
                lines[1]);
        assertTrue(lines[1].contains("contractor raw; police coarsened; site:gent aggregated"), lines[1]);
        assertTrue(lines[2].startsWith("lamp-001,Streetlight,,,,city,no,,,,no,city raw,,,"), lines[2]);
        assertTrue(lines[2].endsWith("\"'=HYPERLINK(\"\"http://evil\"\"),<script>alert(1)</script>\""), lines[2]);
        assertEquals("-1.5", RegisterFormats.cell("-1.5"), "a negative number stays a number");
        assertEquals("'-cmd", RegisterFormats.cell("-cmd"));
    }

    @Test
    void theJsonSaysWhenNoPurposeIsDeclared() {
        Map<String, Object> json = RegisterFormats.json(List.of(declared, undeclared), shared, T);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sensors = (List<Map<String, Object>>) json.get("sensors");
        assertEquals(true, sensors.get(0).get("purposeDeclared"));
        assertEquals(false, sensors.get(1).get("purposeDeclared"));
        assertTrue(sensors.get(1).containsKey("purpose") && sensors.get(1).get("purpose") == null);
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) json.get("sharedLast30Days");
        assertEquals(30L, last.get("days"));
    }
}
