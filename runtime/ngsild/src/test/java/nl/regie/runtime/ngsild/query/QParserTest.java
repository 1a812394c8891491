package nl.regie.runtime.ngsild.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The q language: operators, values, precedence, grouping, and every way an expression can be wrong. */
class QParserTest {

    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
    private static final EntityState BIN = new EntityState(EntityId.of("WasteContainer", "bin-1"), null, Map.of(
            "fillingLevel", new AttributeState(Value.of(0.8), "%", AT, "bin-1"),
            "temperature", new AttributeState(Value.of(21.5), "Cel", AT, "bin-1"),
            "status", new AttributeState(Value.of("ok"), "", AT, "bin-1"),
            "open", new AttributeState(Value.of(false), "", AT, "bin-1"),
            "owner", new AttributeState(Value.of("urn:ngsi-ld:Party:city"), "", AT, "bin-1")), AT);

    private static boolean matches(String q) {
        return QParser.parse(q, name -> name.equals("unknownToRegie") ? null : name).test(BIN);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '\t', value = {
        "fillingLevel\ttrue",
        "missing\tfalse",
        "fillingLevel==0.8\ttrue",
        "fillingLevel==0.7\tfalse",
        "fillingLevel!=0.7\ttrue",
        "fillingLevel>0.5\ttrue",
        "fillingLevel>=0.8\ttrue",
        "fillingLevel<0.8\tfalse",
        "fillingLevel<=0.8\ttrue",
        "fillingLevel==0.5..0.9\ttrue",
        "fillingLevel==0.81..0.9\tfalse",
        "fillingLevel!=0.81..0.9\ttrue",
        "fillingLevel==0.1,0.8,0.9\ttrue",
        "fillingLevel==0.1,0.2\tfalse",
        "status==\"ok\"\ttrue",
        "status==\"o;k|)\"\tfalse",
        "status==\"ko\",\"ok\"\ttrue",
        "status>\"a\"\ttrue",
        "status~=^o\ttrue",
        "status~=\"^k\"\tfalse",
        "status!~=^k\ttrue",
        "open==false\ttrue",
        "open==true\tfalse",
        "owner==urn:ngsi-ld:Party:city\ttrue",
        "fillingLevel.observedAt>=2026-03-01T09:00:00Z\ttrue",
        "fillingLevel.observedAt<2026-03-01T09:00:00Z\tfalse",
        "fillingLevel.unitCode==\"P1\"\ttrue",
        "fillingLevel.other==1\tfalse",
        "fillingLevel[part]\tfalse",
        "fillingLevel==\"0.8\"\tfalse",
        "status>1\tfalse",
        "unknownToRegie\tfalse",
        "fillingLevel>0.5;temperature<20\tfalse",
        "fillingLevel>0.5;temperature<22\ttrue",
        "fillingLevel>0.9|temperature<22\ttrue",
        // and binds tighter than or: false;false|true is (false;false)|true
        "missing;fillingLevel>0.9|status==\"ok\"\ttrue",
        "missing;(fillingLevel>0.9|status==\"ok\")\tfalse",
        "((fillingLevel>0.5));(status==\"ok\"|open==true)\ttrue",
    })
    void evaluates(String q, boolean expected) {
        assertEquals(expected, matches(q), q);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '\t', value = {
        "(fillingLevel>0.5\t')' to close",
        "fillingLevel>0.5)\ta ')' without its '('",
        "fillingLevel>\ta value after the operator",
        "fillingLevel=0.5\tan operator",
        ";fillingLevel\tan attribute name",
        "fillingLevel>0.5;\tan attribute name",
        "status==\"ok\tclosing '\"'",
        "fillingLevel>0.1,0.2\ta list 'a,b' only with == or !=",
        "fillingLevel>0.1..0.2\ta range 'a..b' only with == or !=",
        "fillingLevel>true\ta number, a quoted string or a dateTime",
        "fillingLevel==12abc\ta number or a dateTime",
        "fillingLevel==bare words\ta number, a quoted string, true, false",
        "status~=(\tnot a regular expression",
        "fillingLevel.\ta sub-attribute name",
        "fillingLevel[x\ta name and ']'",
        "()\tan attribute name",
    })
    void refusesNamingWhereAndWhat(String q, String expected) {
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> matches(q));
        assertEquals(ProblemType.INVALID_REQUEST, e.type());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aHostilePatternIsStoppedNotLeftToBacktrack() {
        EntityState text = new EntityState(EntityId.of("WasteContainer", "bin-2"), null, Map.of("status",
                new AttributeState(Value.of("a".repeat(40) + "!"), "", AT, "bin-2")), AT);
        QQuery hostile = QParser.parse("status~=\"(.*a){12}b\"", name -> name);
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> hostile.test(text));
        assertEquals(ProblemType.TOO_COMPLEX_QUERY, e.type());
        assertTrue(QParser.parse("status~=^a+!$", name -> name).test(text));
    }

    @Test
    void boundsTheWork() {
        assertTrue(assertThrows(NgsiLdException.class, () -> matches("a".repeat(QParser.MAX_LENGTH + 1)))
                .getMessage().contains("at most " + QParser.MAX_LENGTH));
        assertTrue(assertThrows(NgsiLdException.class, () -> matches("(".repeat(QParser.MAX_DEPTH + 1) + "a"
                + ")".repeat(QParser.MAX_DEPTH + 1))).getMessage().contains("deeper than"));
        assertTrue(assertThrows(NgsiLdException.class, () -> matches("a;".repeat(QParser.MAX_TERMS) + "a"))
                .getMessage().contains("at most " + QParser.MAX_TERMS + " terms"));
        assertTrue(assertThrows(NgsiLdException.class, () -> matches("status~=" + "a".repeat(QParser.MAX_PATTERN + 1)))
                .getMessage().contains("pattern of at most"));
        assertEquals(ProblemType.INVALID_REQUEST, assertThrows(NgsiLdException.class, () -> matches(" ")).type());
        assertFalse(matches("(".repeat(QParser.MAX_DEPTH) + "missing" + ")".repeat(QParser.MAX_DEPTH)));
    }
}
