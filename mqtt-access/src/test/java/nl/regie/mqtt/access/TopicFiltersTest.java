package nl.regie.mqtt.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFiltersTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "a/b/c, a/b/c, true",
        "a/b/c, a/b, false",
        "a/b, a/b/c, false",
        "a/+/c, a/x/c, true",
        "a/+/c, a//c, true",
        "a/+, a/x/c, false",
        "a/#, a, true",
        "a/#, a/x/y, true",
        "#, a/b, true",
        "+/b, $SYS/b, false",
        "#, $SYS/x, false",
        "$SYS/#, $SYS/x, true",
        "a/b/+/ack/+, a/b/d1/ack/c1, true",
        "a/b/+/ack/+, a/b/d1/ack, false",
    })
    void matches(String filter, String topic, boolean expected) {
        assertEquals(expected, TopicFilters.matches(filter, topic));
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "a/b, a/b, true",
        "a/+, a/b, true",
        "a/+, a/+, true",
        "a/b, a/+, false",
        "a/#, a/+/c, true",
        "a/#, a/#, true",
        "a/#, a, true",
        "a/+, a/#, false",
        "a/+/#, a/b, true",
        "a/b/+, a/b, false",
        "a/b, a/b/c, false",
        "a/b/c, a/b, false",
        "#, $SYS/x, false",
        "r/d/x/cmd/#, r/d/x/cmd/+, true",
        "r/d/x/cmd/#, r/d/+/cmd/+, false",
        "r/d/+/tele, r/d/+/tele, true",
        "r/d/+/tele, r/d/#, false",
    })
    void covers(String allowed, String requested, boolean expected) {
        assertEquals(expected, TopicFilters.covers(allowed, requested));
    }

    @ParameterizedTest
    @CsvSource({"$share/g/a/b, a/b", "a/b, a/b", "$share/g, $share/g"})
    void unshared(String filter, String expected) {
        assertEquals(expected, TopicFilters.unshared(filter));
    }
}
