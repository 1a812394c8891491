package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class RequestBodiesTest {

    @Test
    void aRefusedBodyIsReadToItsEnd() throws IOException {
        ByteArrayInputStream body = new ByteArrayInputStream(new byte[70_000]);
        RequestBodies.swallow(body);
        assertEquals(0, body.available());
    }

    @Test
    void butNeverMoreThanTheSwallowLimit() throws IOException {
        ByteArrayInputStream body = new ByteArrayInputStream(new byte[(int) RequestBodies.SWALLOW_BYTES + 5]);
        RequestBodies.swallow(body);
        assertEquals(5, body.available());
    }
}
