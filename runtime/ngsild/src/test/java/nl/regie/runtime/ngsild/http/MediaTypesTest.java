package nl.regie.runtime.ngsild.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Content negotiation: JSON or JSON-LD answers, JSON or JSON-LD bodies, anything else refused. */
class MediaTypesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '\t', value = {
        "\tapplication/json",
        "application/json\tapplication/json",
        "application/ld+json\tapplication/ld+json",
        "*/*\tapplication/json",
        "application/*\tapplication/json",
        "text/html, application/ld+json;q=0.9\tapplication/ld+json",
        "application/json;q=0.5, application/ld+json\tapplication/ld+json",
        "application/ld+json;q=0.5, application/json\tapplication/json",
        "application/json, application/ld+json\tapplication/json",
        "text/html, */*;q=0.1\tapplication/json",
    })
    void answersInTheBestAcceptableType(String accept, String expected) {
        assertEquals(expected, MediaTypes.answer(accept));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/xml", "application/geo+json", "application/json;q=0", "text/*"})
    void refusesWhatAllowsNeither(String accept) {
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> MediaTypes.answer(accept));
        assertEquals(ProblemType.NOT_ACCEPTABLE, e.type());
        assertEquals(406, e.type().status());
    }

    @Test
    void readsJsonAndJsonLdBodiesOnly() {
        assertFalse(MediaTypes.ldBody("application/json; charset=utf-8"));
        assertTrue(MediaTypes.ldBody("Application/LD+JSON"));
        assertEquals(415, assertThrows(NgsiLdException.class, () -> MediaTypes.ldBody("text/plain")).type().status());
        assertEquals(415, assertThrows(NgsiLdException.class, () -> MediaTypes.ldBody(null)).type().status());
    }
}
