package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import nl.regie.runtime.config.AttributeValue.Range;

import org.junit.jupiter.api.Test;

class MetatypeRangesTest {

    private static Map<String, Map<String, Range>> read(String xml) throws IOException {
        return MetatypeRanges.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rangesOfADocumentAsBndWritesIt() throws Exception {
        Map<String, Map<String, Range>> ranges = read("""
                <?xml version="1.0" encoding="UTF-8"?>
                <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.4.0" localization="OSGI-INF/l10n/x">
                  <OCD id="nl.regie.waste" name="Waste" description="...">
                    <AD id="full.threshold" type="Double" name="Full threshold" min="0" max="1" default="0.8"/>
                    <AD id="fire.temperature" type="Double" name="Fire" min="-50" default="60"/>
                    <AD id="route.depots" type="String" cardinality="2147483647" name="Depots" default=""/>
                  </OCD>
                  <Designate pid="nl.regie.waste">
                    <Object ocdref="nl.regie.waste"/>
                  </Designate>
                </metatype:MetaData>
                """);
        assertEquals(Map.of("full.threshold", new Range("0", "1"), "fire.temperature", new Range("-50", null)),
                ranges.get("nl.regie.waste"));
    }

    @Test
    void aDesignateMayPointAtAnOcdOfAnotherName() throws Exception {
        Map<String, Map<String, Range>> ranges = read("""
                <MetaData xmlns="http://www.osgi.org/xmlns/metatype/v1.2.0">
                  <OCD id="shared"><AD id="n" type="Integer" max="9"/></OCD>
                  <Designate pid="com.example.a"><Object ocdref="shared"/></Designate>
                </MetaData>
                """);
        assertEquals(Map.of("n", new Range(null, "9")), ranges.get("com.example.a"));
    }

    @Test
    void aDocumentWithADoctypeIsRefused() {
        assertThrows(IOException.class, () -> read("""
                <?xml version="1.0"?>
                <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
                <MetaData>&e;</MetaData>
                """));
        assertThrows(IOException.class, () -> read("not xml"));
    }
}
