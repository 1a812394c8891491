package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import nl.regie.runtime.spi.federation.FederationStatus;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * The federation bundle in a real framework: it resolves and activates against the SPI alone, stays idle without its
 * configuration (no thread, no connection) and serves {@code GET /api/federation}; stopped, the servlet goes with it
 * (404) and no federation thread is left; started again, it is back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FederationWiringTest extends RegieTestSupport {

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void idleWithoutConfigurationAndTheServletFollowsTheBundle() throws Exception {
        Bundle federation = bundleNamed("nl.regie.runtime.federation");
        assertEquals(Bundle.ACTIVE, federation.getState());
        await("the federation status service", () -> context.getServiceReference(FederationStatus.class) != null,
                () -> "not registered");
        ServiceReference<FederationStatus> reference = context.getServiceReference(FederationStatus.class);
        FederationStatus status = context.getService(reference);
        assertNotNull(status);
        assertEquals("idle", status.snapshot().link().state());
        context.ungetService(reference);
        assertTrue("no federation thread while idle: " + liveThreadsNamed("regie-federation"),
                liveThreadsNamed("regie-federation").isEmpty());

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create(httpEndpoint()).resolve("/api/federation");
        assertEquals(200, awaitStatus(client, uri, 200).statusCode());
        assertTrue(awaitStatus(client, uri, 200).body().contains("\"state\":\"idle\""));

        federation.stop();
        awaitStatus(client, uri, 404);
        federation.start();
        awaitStatus(client, uri, 200);
    }

    private HttpResponse<String> awaitStatus(HttpClient client, URI uri, int status) {
        AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
        await("GET " + uri + " answers " + status, () -> {
            response.set(get(client, uri));
            return response.get() != null && response.get().statusCode() == status;
        }, () -> response.get() == null ? "no response" : response.get().statusCode() + " " + response.get().body());
        return response.get();
    }
}
