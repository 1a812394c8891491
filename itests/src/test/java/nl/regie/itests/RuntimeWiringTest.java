package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.CityState;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** A light check that the runtime's parts are wired: the bus feeds the city state, which the HTTP API serves. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeWiringTest extends RegieTestSupport {

    /** The standard service property of the HTTP whiteboard runtime naming where it listens. */

    @Inject
    private CityState cityState;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void cityStateReflectsAPublishedReading() {
        EntityId bin = EntityId.of("WasteContainer", "itest-city-1");
        Location where = Location.of(4.9041, 52.3676);
        bus.publish(Reading.of(bin, "fillingLevel", Value.of(0.42), "/", SOURCE).withLocation(where));

        await(bin + " in the city state", () -> cityState.entity(bin).flatMap(e -> e.attribute("fillingLevel")).isPresent(),
                () -> cityState.entity(bin));
        AttributeState level = cityState.entity(bin).orElseThrow().attribute("fillingLevel").orElseThrow();
        assertEquals(Value.of(0.42), level.value());
        assertEquals("/", level.unit());
        assertEquals(SOURCE, level.source());
        assertEquals(where, cityState.entity(bin).orElseThrow().location());
    }

    @Test
    public void httpApiServesAnEntityOnLoopback() {
        EntityId bin = EntityId.of("WasteContainer", "itest-http-1");
        bus.publish(Reading.of(bin, "fillingLevel", Value.of(0.37), "/", SOURCE));
        await(bin + " in the city state", () -> cityState.entity(bin).isPresent(), () -> cityState.entity(bin));

        String endpoint = httpEndpoint();
        assertTrue("HTTP listens on loopback only: " + endpoint, endpoint.startsWith("http://127.0.0.1:"));
        URI uri = URI.create(endpoint).resolve("/api/entities/" + bin);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
        // The servlets register on the whiteboard asynchronously: wait for a 200.
        await("GET " + uri + " answers 200", () -> {
            response.set(get(client, uri));
            return response.get() != null && response.get().statusCode() == 200;
        }, () -> response.get() == null ? "no response" : response.get().statusCode() + " " + response.get().body());

        String body = response.get().body();
        assertTrue("JSON: " + response.get().headers().firstValue("Content-Type"),
                response.get().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue("the body names the entity: " + body, body.contains(bin.toString()));
        assertTrue("the body carries the reading: " + body, body.contains("fillingLevel") && body.contains("0.37"));
    }
}
