package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.eclipse.paho.mqttv5.common.MqttException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A device set up the way a user sets one up: its credentials from {@code POST /api/devices} (with the operator's
 * token), then MQTT 5 with them, its device id as client id.
 *
 * @param id       the device id, also its user name and client id
 * @param password the password the runtime gave it
 * @param prefix   its topics' prefix, {@code regie/v1/{site}/dev/{id}/}
 */
record ProvisionedDevice(String id, String password, String prefix) {

    /** Asks the launcher serving HTTP on {@code port} for a new device's credentials; fails unless it answers 201. */
    static ProvisionedDevice provision(HttpClient http, int port, String operatorToken, String id)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/devices")).header("Authorization", "Bearer " + operatorToken)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"" + id + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        JsonNode json = new ObjectMapper().readTree(response.body());
        String telemetry = json.path("topics").path("telemetry").asText();
        return new ProvisionedDevice(json.path("id").asText(), json.path("password").asText(),
                telemetry.substring(0, telemetry.length() - "tele".length()));
    }

    /** Connects with its credentials and its id as client id; {@code willOnState} adds a retained will on its state topic. */
    MqttTraffic.Client connect(String url, boolean willOnState) throws MqttException {
        return MqttTraffic.connect(url, id, true, willOnState ? prefix + "state" : null, id, password);
    }
}
