package nl.regie.runtime.spi.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceKindsTest {

    @ParameterizedTest(name = "{0} {1} is valid")
    @CsvSource(delimiter = '|', textBlock = """
            drives   | Streetlight
            drives   | *
            notifies | waterboard
            notifies | city_2-b
            notifies | *
            serves   | /
            serves   | /acme
            serves   | /acme/v1.2/x_y~z
            serves   | /apis
            serves   | /uix
            """)
    void acceptsValues(String kind, String value) {
        assertNull(ServiceKinds.problem(kind, value));
    }

    @ParameterizedTest(name = "{0} ''{1}'' is refused: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            drives   | Street light | 'Street light' is not an entity type (nor '*')
            drives   | '  '         | a value must not be blank
            notifies | Waterboard   | 'Waterboard' is not a party
            notifies | water board  | 'water board' is not a party
            serves   | acme         | 'acme' is not a path: it must start with '/'
            serves   | /acme/       | '/acme/' must not end with '/'
            serves   | /acme/*      | '/acme/*' is not a plain path
            serves   | /a//b        | '/a//b' is not a plain path
            serves   | /a/../b      | '/a/../b' is not a plain path
            serves   | *.jsp        | '*.jsp' is not a path
            serves   | /api         | '/api' is the runtime's own (/api)
            serves   | /api/acme    | '/api/acme' is the runtime's own (/api)
            serves   | /ui          | '/ui' is the runtime's own (/ui)
            serves   | /metrics/x   | '/metrics/x' is the runtime's own (/metrics)
            serves   | /index.html  | '/index.html' is the runtime's own (/index.html)
            listens  | /acme        | 'listens' is not a kind of service: use drives, notifies, serves
            """)
    void refusesValuesNamingThem(String kind, String value, String problem) {
        String actual = ServiceKinds.problem(kind, value);
        assertTrue(actual != null && actual.startsWith(problem), actual);
    }

    @ParameterizedTest(name = "{0} {1} covers {2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            drives   | Streetlight      | Streetlight      | true
            drives   | Streetlight      | StreetlightGroup | false
            drives   | *                | FloodGate        | true
            drives   | ''               | FloodGate        | false
            notifies | waterboard;city  | city             | true
            notifies | waterboard       | police           | false
            notifies | *                | police           | true
            serves   | /acme            | /acme            | true
            serves   | /acme            | /acme/x/y        | true
            serves   | /acme            | /acmex           | false
            serves   | /acme            | /ac              | false
            serves   | /acme            | /                | false
            serves   | /acme/v1         | /acme            | false
            serves   | /                | /                | true
            serves   | /                | /anything/at/all | true
            serves   | ''               | /acme            | false
            """)
    void coversValues(String kind, String allowed, String value, boolean expected) {
        List<String> list = allowed.isEmpty() ? List.of() : List.of(allowed.split(";"));
        assertEquals(expected, ServiceKinds.covers(kind, list, value));
    }
}
