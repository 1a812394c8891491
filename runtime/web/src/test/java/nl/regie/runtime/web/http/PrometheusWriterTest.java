package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PrometheusWriterTest {

    @Test
    void escapesBackslashQuoteAndNewlineInLabelValues() {
        PrometheusWriter out = new PrometheusWriter();
        out.counter("regie_x_total", "X.").sample(3, "plugin", "a\\b\"c\nd");
        assertEquals("# HELP regie_x_total X.\n# TYPE regie_x_total counter\nregie_x_total{plugin=\"a\\\\b\\\"c\\nd\"} 3\n",
                out.text());
    }

    @Test
    void escapesBackslashAndNewlineButNotQuotesInHelp() {
        PrometheusWriter out = new PrometheusWriter();
        out.gauge("g", "a \"b\" c\\d\ne").sample(1);
        assertEquals("# HELP g a \"b\" c\\\\d\\ne\n# TYPE g gauge\ng 1\n", out.text());
    }

    @Test
    void helpAndTypeOncePerFamilyWithItsSamplesTogether() {
        PrometheusWriter out = new PrometheusWriter();
        out.counter("a_total", "A.").sample(1, "k", "1");
        out.gauge("b", "B.").sample(2.5);
        out.counter("a_total", "A.").sample(2, "k", "2", "j", "x");
        assertEquals("""
                # HELP a_total A.
                # TYPE a_total counter
                a_total{k="1"} 1
                a_total{k="2",j="x"} 2
                # HELP b B.
                # TYPE b gauge
                b 2.5
                """, out.text());
    }

    @Test
    void aFamilyWithoutSamplesIsLeftOut() {
        PrometheusWriter out = new PrometheusWriter();
        out.gauge("empty", "Nothing.");
        assertEquals("", out.text());
    }

    @Test
    void writesSpecialAndWholeNumbers() {
        assertEquals("NaN", PrometheusWriter.number(Double.NaN));
        assertEquals("+Inf", PrometheusWriter.number(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusWriter.number(Double.NEGATIVE_INFINITY));
        assertEquals("3", PrometheusWriter.number(3.0));
        assertEquals("0.25", PrometheusWriter.number(0.25));
    }

    @Test
    void refusesBadNamesOddLabelsAndATypeChange() {
        PrometheusWriter out = new PrometheusWriter();
        assertThrows(IllegalArgumentException.class, () -> out.gauge("1bad", "x"));
        assertThrows(IllegalArgumentException.class, () -> out.gauge("ok", "x").sample(1, "bad-label", "v"));
        assertThrows(IllegalArgumentException.class, () -> out.gauge("ok", "x").sample(1, "k"));
        assertThrows(IllegalArgumentException.class, () -> out.gauge("ok", "x").sample(1, "k", "a", "k", "b"));
        assertThrows(IllegalArgumentException.class, () -> out.counter("ok", "x"));
    }
}
