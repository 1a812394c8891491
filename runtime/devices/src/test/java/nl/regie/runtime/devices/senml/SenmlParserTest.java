package nl.regie.runtime.devices.senml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SenML packs written from the rules and examples of RFC 8428, each with the records it resolves to or the
 * reason it is refused.
 */
class SenmlParserTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final String DEV = "urn:dev:ow:10e2073a01080063";

    private final SenmlParser parser = new SenmlParser(SenmlLimits.defaults());

    // ---- valid packs -------------------------------------------------------------------------------------------

    static Stream<Arguments> validPacks() {
        return Stream.of(
                valid("RFC 8428 §5.1.1 single datapoint",
                        "[{\"n\":\"urn:dev:ow:10e2073a01080063\",\"u\":\"Cel\",\"v\":23.1}]",
                        number(DEV, 23.1, "Cel", NOW)),
                valid("RFC 8428 §5.1.2 multiple datapoints: the base name carries over",
                        """
                        [{"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},
                         {"n":"current","u":"A","v":1.2}]""",
                        number(DEV + ":voltage", 120.1, "V", NOW),
                        number(DEV + ":current", 1.2, "A", NOW)),
                valid("RFC 8428 §5.1.3 multiple measurements: absolute bt + relative t, bu, bver 5",
                        """
                        [{"bn":"urn:dev:ow:10e2073a010800:","bt":1.276020076001e+09,"bu":"A","bver":5,
                          "n":"voltage","u":"V","v":120.1},
                         {"n":"current","t":-5,"v":1.2},
                         {"n":"current","t":-4,"v":1.3},
                         {"n":"current","t":-1,"v":1.6},
                         {"n":"current","v":1.7}]""",
                        number("urn:dev:ow:10e2073a010800:voltage", 120.1, "V", epoch(1276020076, 1_000_000)),
                        number("urn:dev:ow:10e2073a010800:current", 1.2, "A", epoch(1276020071, 1_000_000)),
                        number("urn:dev:ow:10e2073a010800:current", 1.3, "A", epoch(1276020072, 1_000_000)),
                        number("urn:dev:ow:10e2073a010800:current", 1.6, "A", epoch(1276020075, 1_000_000)),
                        number("urn:dev:ow:10e2073a010800:current", 1.7, "A", epoch(1276020076, 1_000_000))),
                valid("RFC 8428 §5.1.5 multiple data types: v, vs, vb in one pack",
                        """
                        [{"bn":"urn:dev:ow:10e2073a01080063:","bt":1.320067464e+09,"bu":"%RH","n":"humidity","v":20},
                         {"n":"lon","u":"lon","v":24.30621},
                         {"n":"humidity","t":60,"v":20.3},
                         {"n":"door","t":150,"vb":false},
                         {"n":"label","t":150,"vs":"kitchen"}]""",
                        number(DEV + ":humidity", 20, "%RH", epoch(1320067464, 0)),
                        number(DEV + ":lon", 24.30621, "lon", epoch(1320067464, 0)),
                        number(DEV + ":humidity", 20.3, "%RH", epoch(1320067524, 0)),
                        record(DEV + ":door", Value.of(false), "%RH", epoch(1320067614, 0)),
                        record(DEV + ":label", Value.of("kitchen"), "%RH", epoch(1320067614, 0))),
                valid("relative times: negative, fractional to the millisecond, future, and a relative bt",
                        """
                        [{"n":"a","t":-60,"v":1},
                         {"n":"b","t":-0.25,"v":2},
                         {"n":"c","t":1.5,"v":3},
                         {"n":"d","t":-0.001,"v":4},
                         {"bt":-120,"n":"e","t":30,"v":5},
                         {"n":"f","v":6}]""",
                        number("a", 1, "", NOW.minusSeconds(60)),
                        number("b", 2, "", NOW.minusMillis(250)),
                        number("c", 3, "", NOW.plusMillis(1500)),
                        number("d", 4, "", NOW.minusMillis(1)),
                        number("e", 5, "", NOW.minusSeconds(90)),
                        number("f", 6, "", NOW.minusSeconds(120))),
                valid("absolute times: 2^28 is the first absolute second, 2^28 - 1 is still relative",
                        """
                        [{"n":"a","t":1.7e9,"v":1},
                         {"n":"b","t":268435456,"v":2},
                         {"n":"c","t":268435455,"v":3},
                         {"n":"d","t":1700000000.123456,"v":4}]""",
                        number("a", 1, "", epoch(1_700_000_000, 0)),
                        number("b", 2, "", epoch(268_435_456, 0)),
                        number("c", 3, "", NOW.plusSeconds(268_435_455)),
                        number("d", 4, "", epoch(1_700_000_000, 123_456_000))),
                valid("no time at all means now",
                        "[{\"n\":\"a\",\"v\":1}]",
                        number("a", 1, "", NOW)),
                valid("bu applies until overridden; u wins over bu; no unit at all is empty",
                        """
                        [{"n":"a","v":1},
                         {"bu":"Cel","n":"b","v":2},
                         {"n":"c","u":"K","v":3},
                         {"n":"d","v":4},
                         {"bu":"W","n":"e","v":5},
                         {"bu":"","n":"f","v":6}]""",
                        number("a", 1, "", NOW),
                        number("b", 2, "Cel", NOW),
                        number("c", 3, "K", NOW),
                        number("d", 4, "Cel", NOW),
                        number("e", 5, "W", NOW),
                        number("f", 6, "", NOW)),
                valid("bv adds to v, in its own and later records, and leaves vs alone",
                        """
                        [{"bn":"meter-1:","bv":1000,"n":"energy","v":5},
                         {"n":"energy","v":-2.5},
                         {"n":"state","vs":"ok"},
                         {"bv":0,"n":"energy","v":7}]""",
                        number("meter-1:energy", 1005, "", NOW),
                        number("meter-1:energy", 997.5, "", NOW),
                        record("meter-1:state", Value.of("ok"), "", NOW),
                        number("meter-1:energy", 7, "", NOW)),
                valid("a record with only a sum is valid; bs adds to s; v takes precedence over s",
                        """
                        [{"n":"meter:energy","u":"kWh","s":12.5},
                         {"bs":100,"n":"meter:energy","s":2},
                         {"n":"meter:power","s":3,"v":0.5}]""",
                        number("meter:energy", 12.5, "kWh", NOW),
                        number("meter:energy", 102, "", NOW),
                        number("meter:power", 0.5, "", NOW)),
                valid("vb true and false",
                        "[{\"n\":\"door\",\"vb\":true},{\"n\":\"window\",\"vb\":false}]",
                        record("door", Value.of(true), "", NOW),
                        record("window", Value.of(false), "", NOW)),
                valid("vs, also empty and with escapes",
                        "[{\"n\":\"a\",\"vs\":\"caf\\u00e9 \\\"x\\\"\"},{\"n\":\"b\",\"vs\":\"\"}]",
                        record("a", Value.of("café \"x\""), "", NOW),
                        record("b", Value.of(""), "", NOW)),
                valid("vd valid base64url, kept as text: no padding, URL-safe alphabet, empty data",
                        "[{\"n\":\"a\",\"vd\":\"aGk\"},{\"n\":\"b\",\"vd\":\"-_8A\"},{\"n\":\"c\",\"vd\":\"\"}]",
                        record("a", Value.of("aGk"), "", NOW),
                        record("b", Value.of("-_8A"), "", NOW),
                        record("c", Value.of(""), "", NOW)),
                valid("the base name alone is a name; a later bn replaces it",
                        "[{\"bn\":\"urn:dev:ow:10e2073a01080063\",\"v\":1},{\"bn\":\"dev.2/\",\"n\":\"x_y-z\",\"v\":2}]",
                        number(DEV, 1, "", NOW),
                        number("dev.2/x_y-z", 2, "", NOW)),
                valid("unknown fields without a trailing '_' are ignored, whatever they hold; ut is checked and ignored",
                        "[{\"n\":\"a\",\"v\":1,\"foo\":{\"x\":[1,{\"y_\":null}]},\"_bar\":null,\"ut\":60}]",
                        number("a", 1, "", NOW)),
                valid("bver 10 in every record is fine; numbers in all JSON forms",
                        "[{\"bver\":10,\"n\":\"a\",\"v\":-1.5e-3},{\"bver\":10,\"n\":\"b\",\"v\":0},{\"n\":\"c\",\"v\":1E2}]",
                        number("a", -0.0015, "", NOW),
                        number("b", 0, "", NOW),
                        number("c", 100, "", NOW)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validPacks")
    void resolvesValidPack(String description, String pack, List<SenmlRecord> expected) throws SenmlException {
        assertEquals(expected, parser.parse(bytes(pack), NOW));
    }

    // ---- invalid packs -----------------------------------------------------------------------------------------

    static Stream<Arguments> invalidPacks() {
        return Stream.of(
                // the pack as a whole
                invalid("not JSON", "hello", "payload is not valid JSON at line 1, column 6: Unrecognized token 'hello'"),
                invalid("empty payload", "", "payload is empty"),
                invalid("a JSON object", "{\"n\":\"a\",\"v\":1}",
                        "a SenML pack must be a JSON array of records, found an object"),
                invalid("a JSON string", "\"[]\"", "must be a JSON array of records, found a string"),
                invalid("empty array", "[]", "pack is empty"),
                invalid("a non-object element", "[{\"n\":\"a\",\"v\":1},5]",
                        "record 1: expected a JSON object, found a number"),
                invalid("a nested array element", "[[{\"n\":\"a\",\"v\":1}]]",
                        "record 0: expected a JSON object, found an array"),
                invalid("trailing garbage", "[{\"n\":\"a\",\"v\":1}] x", "trailing content after the pack"),
                invalid("a second array after the pack", "[{\"n\":\"a\",\"v\":1}][]", "trailing content after the pack"),
                invalid("unterminated array", "[{\"n\":\"a\",\"v\":1}", "payload is not valid JSON"),
                invalid("syntax error inside a record", "[{\"n\":\"a\",\"v\":1,}]", "record 0: not valid JSON"),
                invalid("payload over 64 KiB, refused before parsing", "[" + " ".repeat(64 * 1024) + "!",
                        "payload of 65538 bytes exceeds the limit of 65536 bytes"),
                invalid("1,001 records", "[" + String.join(",", Collections.nCopies(1001,
                        "{\"n\":\"a\",\"v\":1}")) + "]", "pack has more than 1000 records"),
                invalid("duplicate key", "[{\"n\":\"a\",\"v\":1,\"v\":2}]", "record 0: duplicate field 'v'"),
                invalid("duplicate unknown key", "[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":1,\"x\":1,\"x\":1}]",
                        "record 1: duplicate field 'x'"),
                // field types
                invalid("n a number", "[{\"n\":5,\"v\":1}]", "record 0: 'n' must be a string, found a number"),
                invalid("v a string", "[{\"n\":\"a\",\"v\":\"1\"}]", "record 0: 'v' must be a number, found a string"),
                invalid("v null", "[{\"n\":\"a\",\"v\":null}]", "record 0: 'v' must be a number, found null"),
                invalid("vb a string", "[{\"n\":\"a\",\"vb\":\"true\"}]",
                        "record 0: 'vb' must be a boolean, found a string"),
                invalid("vs a number", "[{\"n\":\"a\",\"vs\":1}]", "record 0: 'vs' must be a string, found a number"),
                invalid("vd an array", "[{\"n\":\"a\",\"vd\":[]}]", "record 0: 'vd' must be a string, found an array"),
                invalid("s a boolean", "[{\"n\":\"a\",\"s\":true}]", "record 0: 's' must be a number, found a boolean"),
                invalid("t a string", "[{\"n\":\"a\",\"v\":1,\"t\":\"now\"}]",
                        "record 0: 't' must be a number, found a string"),
                invalid("ut a string", "[{\"n\":\"a\",\"v\":1,\"ut\":\"60\"}]",
                        "record 0: 'ut' must be a number, found a string"),
                invalid("u an object", "[{\"n\":\"a\",\"v\":1,\"u\":{}}]",
                        "record 0: 'u' must be a string, found an object"),
                invalid("bn null", "[{\"bn\":null,\"n\":\"a\",\"v\":1}]", "record 0: 'bn' must be a string, found null"),
                invalid("bt a string", "[{\"n\":\"a\",\"v\":1},{\"bt\":\"1\",\"n\":\"a\",\"v\":1}]",
                        "record 1: 'bt' must be a number, found a string"),
                invalid("bu a number", "[{\"bu\":1,\"n\":\"a\",\"v\":1}]", "record 0: 'bu' must be a string, found a number"),
                invalid("bv a boolean", "[{\"bv\":false,\"n\":\"a\",\"v\":1}]",
                        "record 0: 'bv' must be a number, found a boolean"),
                invalid("bs a string", "[{\"bs\":\"0\",\"n\":\"a\",\"s\":1}]", "record 0: 'bs' must be a number, found a string"),
                // names
                invalid("no name at all", "[{\"v\":1}]", "record 0: the resolved name (bn + n) is empty"),
                invalid("empty bn and n", "[{\"bn\":\"\",\"n\":\"\",\"v\":1}]", "record 0: the resolved name (bn + n) is empty"),
                invalid("a space in the name", "[{\"n\":\"" + DEV + " temp\",\"v\":1}]",
                        "record 0: name '" + DEV + " temp' must start with a letter or digit"),
                invalid("name starting with '-'", "[{\"n\":\"-temp\",\"v\":1}]", "record 0: name '-temp' must start"),
                invalid("name starting with ':' through bn", "[{\"bn\":\":dev:\",\"n\":\"t\",\"v\":1}]", "name ':dev:t'"),
                invalid("bn + n with '#'", "[{\"bn\":\"dev#1/\",\"n\":\"t\",\"vb\":true}]",
                        "record 0: name 'dev#1/t'"),
                invalid("non-ASCII name", "[{\"n\":\"a\",\"v\":1},{\"n\":\"caf\u00e9\",\"v\":1}]",
                        "record 1: name 'café' must start with a letter or digit and contain only letters, digits and ':./_-'"),
                invalid("a control character in the name is escaped in the message", "[{\"n\":\"a\\nb\",\"v\":1}]",
                        "name 'a\\u000ab'"),
                // values
                invalid("v and vs", "[{\"n\":\"a\",\"v\":1,\"vs\":\"x\"}]",
                        "record 0: 'v' and 'vs' both given; a record carries exactly one value"),
                invalid("vb and vd", "[{\"n\":\"a\",\"vd\":\"aGk\",\"vb\":true}]", "record 0: 'vb' and 'vd' both given"),
                invalid("v and vb in record 2, with a sum",
                        "[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":2},{\"n\":\"c\",\"v\":3,\"vb\":true,\"s\":1}]",
                        "record 2: 'v' and 'vb' both given; a record carries exactly one value"),
                invalid("no value and no sum", "[{\"n\":\"a\",\"u\":\"Cel\"}]",
                        "record 0: no value; a record needs one of 'v', 'vs', 'vb', 'vd' or a sum 's'"),
                invalid("a record of base fields only", "[{\"bn\":\"dev:\",\"bt\":1.7e9,\"bv\":1},{\"n\":\"a\",\"v\":1}]",
                        "record 0: no value"),
                invalid("vd with padding", "[{\"n\":\"a\",\"vd\":\"aGk=\"}]", "record 0: 'vd' has padding '='"),
                invalid("vd with the standard alphabet", "[{\"n\":\"a\",\"vd\":\"a+/k\"}]",
                        "record 0: 'vd' 'a+/k' is not base64url (RFC 4648 §5) without padding"),
                invalid("vd of impossible length", "[{\"n\":\"a\",\"vd\":\"aGVsb\"}]", "'vd' 'aGVsb' is not base64url"),
                invalid("vd with stray bits", "[{\"n\":\"a\",\"vd\":\"aGl\"}]", "'vd' 'aGl' is not base64url"),
                // numbers
                invalid("NaN", "[{\"n\":\"a\",\"v\":NaN}]", "record 0: not valid JSON at line 1, column 18: Non-standard token 'NaN'"),
                invalid("Infinity", "[{\"n\":\"a\",\"v\":Infinity}]", "record 0: not valid JSON"),
                invalid("-Infinity", "[{\"n\":\"a\",\"t\":-Infinity,\"v\":1}]", "record 0: not valid JSON"),
                invalid("v overflowing a double", "[{\"n\":\"a\",\"v\":1e400}]", "record 0: 'v' '1e400' overflows a double"),
                invalid("an integer of 400 digits for t", "[{\"n\":\"a\",\"v\":1,\"t\":1" + "0".repeat(400) + "}]",
                        "record 0: 't' '1000"),
                invalid("bv overflowing", "[{\"bv\":-2e308,\"n\":\"a\",\"v\":1}]", "record 0: 'bv' '-2e308' overflows a double"),
                invalid("v + bv overflowing", "[{\"bv\":1e308,\"n\":\"a\",\"v\":1e308}]",
                        "record 0: 'v' + 'bv' overflows a double"),
                invalid("s + bs overflowing", "[{\"bs\":-1.5e308,\"n\":\"a\",\"s\":-1.5e308}]",
                        "record 0: 's' + 'bs' overflows a double"),
                invalid("time beyond any instant", "[{\"n\":\"a\",\"v\":1},{\"bt\":1e300,\"n\":\"a\",\"v\":1}]",
                        "record 1: time 1.0E+300 s (bt + t) is out of range"),
                // versions and must-understand fields
                invalid("bver 11", "[{\"bver\":11,\"n\":\"a\",\"v\":1}]", "record 0: bver 11 is newer than the supported 10"),
                invalid("bver huge", "[{\"bver\":123456789012345678901234567890,\"n\":\"a\",\"v\":1}]",
                        "bver 123456789012345678901234567890 is newer than the supported 10"),
                invalid("bver 0", "[{\"bver\":0,\"n\":\"a\",\"v\":1}]", "record 0: 'bver' must be a positive integer, found '0'"),
                invalid("bver -1", "[{\"bver\":-1,\"n\":\"a\",\"v\":1}]", "'bver' must be a positive integer, found '-1'"),
                invalid("bver 10.0", "[{\"bver\":10.0,\"n\":\"a\",\"v\":1}]", "'bver' must be a positive integer, found '10.0'"),
                invalid("bver a string", "[{\"bver\":\"10\",\"n\":\"a\",\"v\":1}]",
                        "'bver' must be a positive integer, found a string"),
                invalid("bver changing within the pack", "[{\"bver\":5,\"n\":\"a\",\"v\":1},{\"bver\":10,\"n\":\"b\",\"v\":1}]",
                        "record 1: bver 10 differs from the pack's version 5"),
                invalid("bver differing from the default of the first record",
                        "[{\"n\":\"a\",\"v\":1},{\"bver\":9,\"n\":\"b\",\"v\":1}]",
                        "record 1: bver 9 differs from the pack's version 10"),
                invalid("a unit outside the registry", "[{\"n\":\"a\",\"u\":\"<script>\",\"v\":1}]",
                        "record 0: 'u' '<script>' is not in the SenML Units registry (RFC 8428 §12.1, RFC 8798)"),
                invalid("a unit in the wrong case", "[{\"n\":\"a\",\"u\":\"cel\",\"v\":1}]",
                        "'u' 'cel' is not in the SenML Units registry"),
                invalid("a base unit outside the registry, in a later record",
                        "[{\"n\":\"a\",\"u\":\"W\",\"v\":1},{\"bu\":\"furlong\",\"n\":\"b\",\"v\":1}]",
                        "record 1: 'bu' 'furlong' is not in the SenML Units registry"),
                invalid("a unit of 10,000 characters", "[{\"n\":\"a\",\"u\":\"" + "m".repeat(10_000) + "\",\"v\":1}]",
                        "has 10000 characters; a SenML unit (RFC 8428 §12.1 registry) has at most 32"),
                invalid("a NUL in the unit", "[{\"n\":\"a\",\"u\":\"Cel\\u0000\",\"v\":1}]",
                        "'u' 'Cel\\u0000' contains the character U+0000; SenML unit symbols (RFC 8428 §12.1)"),
                invalid("a space in the base unit", "[{\"bu\":\"m s\",\"n\":\"a\",\"v\":1}]",
                        "record 0: 'bu' 'm s' contains the character U+0020"),
                invalid("a lone high surrogate in vs", "[{\"n\":\"a\",\"vs\":\"x\\ud800\"}]",
                        "record 0: 'vs' has an unpaired surrogate \\ud800 at character 1; SenML strings are Unicode "
                                + "text (RFC 8428 §4.3, RFC 8259 §8.2)"),
                invalid("a lone low surrogate in vs", "[{\"n\":\"a\",\"vs\":\"\\udc00x\"}]",
                        "'vs' has an unpaired surrogate \\udc00 at character 0"),
                invalid("two high surrogates in a row", "[{\"n\":\"a\",\"vs\":\"\\ud83d\\ud83d\"}]",
                        "'vs' has an unpaired surrogate \\ud83d at character 0"),
                invalid("a lone surrogate in bn", "[{\"bn\":\"\\ud800\",\"n\":\"a\",\"v\":1}]",
                        "'bn' has an unpaired surrogate"),
                invalid("must-understand field", "[{\"n\":\"a\",\"v\":1,\"foo_\":1}]",
                        "record 0: must-understand field 'foo_' is not supported"),
                invalid("must-understand base field in a later record",
                        "[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":1,\"bfoo_\":\"x\"}]",
                        "record 1: must-understand field 'bfoo_' is not supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPacks")
    void refusesInvalidPack(String description, String pack, String reason) {
        SenmlException refused = assertThrows(SenmlException.class, () -> parser.parse(bytes(pack), NOW));
        assertTrue(refused.getMessage().contains(reason),
                () -> "expected the reason to contain \"" + reason + "\" but was \"" + refused.getMessage() + "\"");
        assertFalse(refused.getMessage().contains("\n"), "a reason is one line");
        assertFalse(refused.getMessage().contains("JsonReadFeature"), "a reason does not advise configuring Jackson");
    }

    // ---- limits and robustness ---------------------------------------------------------------------------------

    @Test
    void limitsAreInclusive() throws SenmlException {
        String threeRecords = "[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":2},{\"n\":\"c\",\"v\":3}]";
        SenmlParser small = new SenmlParser(new SenmlLimits(bytes(threeRecords).length, 3));

        assertEquals(3, small.parse(bytes(threeRecords), NOW).size());
        assertTrue(assertThrows(SenmlException.class, () -> small.parse(bytes(threeRecords + " "), NOW))
                .getMessage().contains("exceeds the limit"));
        String fourRecords = "[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":2},{\"n\":\"c\",\"v\":3},{}]";
        assertEquals("pack has more than 3 records", assertThrows(SenmlException.class,
                () -> new SenmlParser(new SenmlLimits(1000, 3)).parse(bytes(fourRecords), NOW)).getMessage());
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new SenmlLimits(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new SenmlLimits(10, 0));
        assertEquals(new SenmlLimits(65_536, 1_000, Set.of("1/h")), SenmlLimits.defaults());
        assertThrows(IllegalArgumentException.class, () -> new SenmlLimits(10, 10, Set.of("")));
        assertThrows(IllegalArgumentException.class, () -> new SenmlLimits(10, 10, Set.of("a b")));
        assertThrows(IllegalArgumentException.class, () -> new SenmlLimits(10, 10, Set.of("x".repeat(33))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedUtf8")
    void refusesInvalidUtf8(String description, byte[] bytes, int offset) {
        byte[] payload = concat(bytes("[{\"n\":\"a\",\"vs\":\""), bytes, bytes("\"}]"));

        SenmlException refused = assertThrows(SenmlException.class, () -> parser.parse(payload, NOW));

        assertTrue(refused.getMessage().startsWith("payload is not valid UTF-8: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("at offset " + (16 + offset)
                + "; SenML JSON is UTF-8 (RFC 8428 §5, RFC 8259 §8.1)"), refused.getMessage());
    }

    static Stream<Arguments> malformedUtf8() {
        return Stream.of(
                Arguments.of("a lone continuation byte", new byte[] {'o', 'k', (byte) 0x80}, 2),
                Arguments.of("a truncated two-byte sequence", new byte[] {(byte) 0xc3}, 0),
                Arguments.of("an overlong encoding of '/'", new byte[] {(byte) 0xc0, (byte) 0xaf}, 0),
                Arguments.of("a surrogate encoded as UTF-8 (CESU)", new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0),
                Arguments.of("beyond U+10FFFF", new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0),
                Arguments.of("0xff", new byte[] {'x', (byte) 0xff}, 1));
    }

    @Test
    void acceptsEveryRegisteredUnitAndPairedSurrogates() throws SenmlException {
        for (String unit : SenmlUnits.registered()) {
            assertEquals(unit, parser.parse(bytes("[{\"n\":\"a\",\"u\":\"" + unit + "\",\"v\":1}]"), NOW).get(0).unit());
        }
        assertTrue(SenmlUnits.registered().containsAll(Set.of("Cel", "/", "W", "m", "count", "%RH", "kWh", "km/h",
                "beat/min", "/1000", "ug/m3")));
        assertEquals(Value.of("\ud83d\ude00 \u00e9"),
                parser.parse(bytes("[{\"n\":\"a\",\"vs\":\"\\ud83d\\ude00 \u00e9\"}]"), NOW).get(0).value());
        assertEquals(Value.of("\ud83d\ude00"),
                parser.parse(bytes("[{\"n\":\"a\",\"vs\":\"\ud83d\ude00\"}]"), NOW).get(0).value());
    }

    @Test
    void packsShareOneInstanceOfEachUnit() throws SenmlException {
        // Each pack's JSON gives a new String; the city state keeps a unit per attribute of every entity, so the
        // parser gives back the registry's own instance (and the configured extra unit's), not the pack's copy.
        String first = parser.parse(bytes("[{\"n\":\"a\",\"u\":\"Cel\",\"v\":1}]"), NOW).get(0).unit();
        String second = parser.parse(bytes("[{\"bn\":\"b\",\"bu\":\"Cel\",\"v\":2}]"), NOW).get(0).unit();
        assertEquals("Cel", first);
        assertSame(first, second);
        assertSame(parser.parse(bytes("[{\"n\":\"a\",\"u\":\"1/h\",\"v\":1}]"), NOW).get(0).unit(),
                parser.parse(bytes("[{\"n\":\"b\",\"u\":\"1/h\",\"v\":1}]"), NOW).get(0).unit());
    }

    @Test
    void extraUnitsAreAcceptedOnlyWhereConfigured() throws SenmlException {
        String perHour = "[{\"n\":\"intensity\",\"u\":\"1/h\",\"v\":420}]";
        assertEquals("1/h", parser.parse(bytes(perHour), NOW).get(0).unit());

        SenmlParser registryOnly = new SenmlParser(new SenmlLimits(65_536, 1_000));
        assertEquals("record 0: 'u' '1/h' is not in the SenML Units registry (RFC 8428 §12.1, RFC 8798)",
                assertThrows(SenmlException.class, () -> registryOnly.parse(bytes(perHour), NOW)).getMessage());
    }

    @Test
    void resolvedRecordsCannotBeChanged() throws SenmlException {
        List<SenmlRecord> records = parser.parse(bytes("[{\"n\":\"a\",\"v\":1}]"), NOW);
        assertThrows(UnsupportedOperationException.class, () -> records.add(records.get(0)));
    }

    @Test
    void aThousandMalformedPayloadsInARowLeaveTheParserWorking() throws SenmlException {
        List<byte[]> malformed = invalidPacks().map(arguments -> bytes((String) arguments.get()[1])).toList();

        for (int i = 0; i < 1_000; i++) {
            byte[] payload = malformed.get(i % malformed.size());
            SenmlException refused = assertThrows(SenmlException.class, () -> parser.parse(payload, NOW));
            assertFalse(refused.getMessage().isBlank(), "every refusal has a reason");
        }

        assertEquals(List.of(number(DEV + ":voltage", 120.1, "V", NOW), number(DEV + ":current", 1.2, "A", NOW)),
                parser.parse(bytes("[{\"bn\":\"" + DEV + ":\",\"n\":\"voltage\",\"u\":\"V\",\"v\":120.1},"
                        + "{\"n\":\"current\",\"u\":\"A\",\"v\":1.2}]"), NOW));
    }

    @Test
    void oneParserServesManyThreadsAtOnce() throws Exception {
        List<Arguments> cases = Stream.concat(validPacks(), invalidPacks()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> outcomes = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                outcomes.add(pool.submit(() -> IntStream.range(0, 5)
                        .boxed()
                        .flatMap(round -> cases.stream().map(this::outcome))
                        .collect(Collectors.toList())));
            }
            List<String> expected = IntStream.range(0, 5).boxed()
                    .flatMap(round -> cases.stream().map(this::outcome)).toList();
            for (Future<List<String>> outcome : outcomes) {
                assertEquals(expected, outcome.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private String outcome(Arguments arguments) {
        try {
            return parser.parse(bytes((String) arguments.get()[1]), NOW).toString();
        } catch (SenmlException e) {
            return e.getMessage();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static Arguments valid(String description, String pack, SenmlRecord... expected) {
        return Arguments.of(description, pack, List.of(expected));
    }

    private static Arguments invalid(String description, String pack, String reason) {
        return Arguments.of(description, pack, reason);
    }

    private static SenmlRecord number(String name, double value, String unit, Instant time) {
        return new SenmlRecord(name, Value.of(value), unit, time);
    }

    private static SenmlRecord record(String name, Value value, String unit, Instant time) {
        return new SenmlRecord(name, value, unit, time);
    }

    private static Instant epoch(long seconds, long nanos) {
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
