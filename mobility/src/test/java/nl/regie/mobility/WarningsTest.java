package nl.regie.mobility;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class WarningsTest {

    @Test
    void oneWarningPerKeyPerIntervalThenACountOfTheRest() {
        List<String> log = new ArrayList<>();
        long[] now = {0};
        Warnings warnings = new Warnings(log::add, () -> now[0], 100);

        warnings.warn("a", "first");
        warnings.warn("a", "again");
        warnings.warn("a", "again");
        warnings.warn("b", "other key");
        now[0] = 100;
        warnings.warn("a", "later");

        assertEquals(List.of("first", "other key", "later (2 more like it since the last warning)"), log);
    }
}
