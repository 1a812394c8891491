package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The bundles each {@code --without} leaves out, with what only the left-out parts use. */
class PartTest {

    @Test
    void withoutTheWebThePublicSideIsLeftOutToo() {
        Set<String> leftOut = Part.bundles(EnumSet.of(Part.WEB));
        assertEquals(Set.of("nl.regie.runtime.web", "org.apache.felix.http.jetty", "org.apache.felix.http.servlet-api",
                "nl.regie.runtime.public", "nl.regie.runtime.ngsild"), leftOut);
    }

    @Test
    void withoutThePublicSideTheWebStays() {
        Set<String> leftOut = Part.bundles(EnumSet.of(Part.PUBLIC));
        assertEquals(Set.of("nl.regie.runtime.public"), leftOut);
        assertTrue(Part.bundles(EnumSet.noneOf(Part.class)).isEmpty());
        assertEquals(Set.of("nl.regie.runtime.ngsild"), Part.bundles(EnumSet.of(Part.NGSILD)));
    }
}
