package nl.regie.runtime.web.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "FOO"})
    void onlyTraceIsRefusedBeforeTheServletsWhichRefuseWhatTheyDoNotHave(String method) {
        assertNull(RequestCheck.methodRefusal(method));
    }

    @Test
    void traceIsRefusedSayingWhy() {
        assertEquals("TRACE is not served: it would echo the request's headers, bearer token included",
                RequestCheck.methodRefusal("TRACE"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"type=WasteContainer", "type=Waste%20Container&limit=10", "q=%C3%A9t%C3%A9", "a=%25", "",
        "bbox=4.8,52.3,4.9,52.4", "flag", "x=caf\u00e9"})
    void queriesThatDecodePass(String query) {
        assertNull(RequestCheck.queryRefusal(query));
        assertNull(RequestCheck.queryRefusal(null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "type=%zz | the query string has a malformed escape '%zz' at character 6: each % must be followed by two hexadecimal digits (write a literal % as %25)",
        "a=1&b=% | the query string has a malformed escape '%' at character 7: each % must be followed by two hexadecimal digits (write a literal % as %25)",
        "a=%4 | the query string has a malformed escape '%4' at character 3: each % must be followed by two hexadecimal digits (write a literal % as %25)",
        "a=%C3%28 | the query string is not UTF-8 once its %-escapes are decoded",
        "a=%ED%A0%80 | the query string is not UTF-8 once its %-escapes are decoded",
        "a=%FF | the query string is not UTF-8 once its %-escapes are decoded"})
    void queriesThatDoNotDecodeAreRefusedNamingWhere(String query, String expected) {
        assertEquals(expected, RequestCheck.queryRefusal(query));
    }

    @Test
    void aClientGoneIsAnEndOfStreamAnywhereInTheCauses() {
        assertTrue(RequestCheck.clientGone(new EOFException("Early EOF")));
        assertTrue(RequestCheck.clientGone(new UncheckedIOException(new IOException(new EOFException()))));
        assertFalse(RequestCheck.clientGone(new IOException("No space left on device")));
        assertFalse(RequestCheck.clientGone(new IllegalStateException()));
    }
}
