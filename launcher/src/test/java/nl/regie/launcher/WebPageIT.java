package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The web page in a real browser (headless Chromium) against the running launcher with its simulated city and the
 * waste plugin: the page draws the city's devices, shows a fire alert that a device causes while the page is open
 * (without a reload), and rolls a plugin back and updates it from its plugin panel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SITE = "demo";
    private static final String BIN = "urn:ngsi-ld:WasteContainer:bin-web";
    private static final String PAST_BIN = "urn:ngsi-ld:WasteContainer:bin-past";
    private static final String TEST_PLUGIN = "nl.regie.webtest";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    private final ObjectMapper json = new ObjectMapper();
    private Path workingDir;
    private LauncherProcess regie;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private int port;
    private int mqttPort;

    @BeforeAll
    void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        workingDir = TempFolders.create("regie-web");
        Path plugins = Files.createDirectories(workingDir.resolve("plugins"));
        Files.copy(Path.of(System.getProperty("regie.test.plugins"), "nl.regie.waste.jar"), plugins.resolve("nl.regie.waste.jar"));
        port = freePort();
        mqttPort = freePort();
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port),
                "--mqtt-port", Integer.toString(mqttPort), "--plugins", plugins.toString(),
                "--config-dir", TestJars.trustDemoKeys(workingDir.resolve("config")).toString(),
                "--state-dir", workingDir.resolve("state").toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
        token = regie.operatorToken();
        browser = HeadlessChromium.start();
        wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (regie != null) {
            regie.close();
        }
    }

    @Test
    @Order(1)
    void servesThePageAndItsFilesWithoutShadowingTheApi() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        String etag = page.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(uri("/")).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode());

        HttpResponse<String> script = get("/ui/main.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals(404, get("/ui/nothing.js").statusCode());
        assertEquals(404, get("/ui/../web/index.html").statusCode());
        HttpResponse<String> unknown = get("/no/such/page");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        // The API is still itself.
        assertTrue(get("/health").body().contains("\"status\""));
        assertTrue(get("/api/entities?type=WasteContainer").body().contains("\"entities\""));
    }

    @Test
    @Order(2)
    void drawsTheCitysBinsLampsZonesAndGauges() throws Exception {
        // As the operator opens it: the link the launcher printed, which carries the token in its fragment.
        browser.get("http://127.0.0.1:" + port + "/#token=" + token);
        wait.until(driver -> driver.getCurrentUrl().equals("http://127.0.0.1:" + port + "/"));
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
        for (String type : List.of("WasteContainer", "Streetlight", "CrowdFlowObserved", "WaterObserved")) {
            wait.withMessage(() -> "the map to draw every located " + type).until(driver -> {
                int drawn = driver.findElements(By.cssSelector("#map [data-type='" + type + "']")).size();
                return drawn > 0 && drawn == locatedEntities(type);
            });
        }
        // Each is coloured by its state. The bin taken is one no other marker covers, so that a click reaches it.
        WebElement bin = (WebElement) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#map [data-type=WasteContainer]')].find(b => {"
                        + " const r = b.getBoundingClientRect();"
                        + " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === b; });");
        assertNotNull(bin, "every bin is covered by another marker");
        assertTrue(List.of("low", "half", "full", "fire").contains(bin.getAttribute("data-state")), bin.getAttribute("data-state"));
        WebElement lamp = browser.findElement(By.cssSelector("#map [data-type='Streetlight']"));
        assertTrue(List.of("on", "dimmed", "off").contains(lamp.getAttribute("data-state")), lamp.getAttribute("data-state"));

        // A click shows the entity's attributes.
        String binId = bin.getAttribute("data-id");
        bin.click();
        wait.until(ExpectedConditions.attributeToBe(By.id("details"), "data-shown", binId));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#details tr[data-attribute='fillingLevel']")));

        // Its numeric attributes are charted over its last day, from the history: once the history holds the bin's
        // filling levels, choosing the bin again draws them.
        wait.withMessage(() -> "the history to hold " + binId + "'s filling levels")
                .until(driver -> historyPoints(binId) > 0);
        browser.findElement(By.cssSelector("#map [data-id='" + binId + "']")).click();
        By chart = By.cssSelector("#details [data-testid='history-chart'][data-attribute='fillingLevel']");
        // Read in one go, found afresh each time: the stream may draw the panel again meanwhile.
        String drawn = wait.withMessage(() -> "a chart of the bin's filling level")
                .ignoring(StaleElementReferenceException.class)
                .until(driver -> {
                    List<WebElement> found = driver.findElements(chart);
                    if (found.isEmpty()) {
                        return null;
                    }
                    WebElement fillingLevel = found.get(0);
                    return fillingLevel.getAttribute("data-points") + "|"
                            + fillingLevel.findElement(By.tagName("polyline")).getAttribute("points") + "|"
                            + fillingLevel.getText();
                });
        String[] parts = drawn.split("\\|", 3);
        assertTrue(Integer.parseInt(parts[0]) > 0, drawn);
        assertFalse(parts[1].isBlank(), drawn);
        assertTrue(parts[2].startsWith("fillingLevel: "), drawn);
    }

    /** How many filling levels of the bin the history holds, over two days around now (the simulator runs ahead). */
    private int historyPoints(String binId) {
        try {
            HttpResponse<String> answer = historyAnswer(binId);
            if (answer.statusCode() != 200) {
                return 0;
            }
            int points = 0;
            for (JsonNode series : json.readTree(answer.body()).path("attributes")) {
                points += series.path("points").size();
            }
            return points;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private String health() {
        return diagnostic("/health");
    }

    private String diagnostic(String path) {
        try {
            return get(path).body();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    /** The history's answer for the bin's filling levels, as status and body. */
    private String history(String binId) {
        try {
            HttpResponse<String> answer = historyAnswer(binId);
            return answer.statusCode() + " " + answer.body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> historyAnswer(String binId) throws IOException, InterruptedException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return get("/api/entities/" + binId + "/history?attrs=fillingLevel&from=" + now.minus(Duration.ofDays(1))
                + "&to=" + now.plus(Duration.ofDays(1)));
    }

    @Test
    @Order(3)
    void aFireReportedByADeviceAppearsInTheAlertListWithoutAReload() throws Exception {
        browser.get("http://127.0.0.1:" + port + "/");
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
        ((JavascriptExecutor) browser).executeScript("window.regieTestMark = 'same page';");
        assertTrue(browser.findElements(By.cssSelector("[data-testid='alert'][data-key='fire-bin-web']")).isEmpty());

        publishFire();

        WebElement alert = wait.withMessage("the fire alert of bin-web in the list").until(ExpectedConditions
                .presenceOfElementLocated(By.cssSelector("#alerts [data-testid='alert'][data-key='fire-bin-web']")));
        assertTrue(alert.getText().contains("bin-web"), alert.getText());
        assertEquals("same page", ((JavascriptExecutor) browser).executeScript("return window.regieTestMark;"));
        // The bin is on the map, burning, and the alert's details name it.
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#map [data-id='" + BIN + "']"), "data-state", "fire"));
        alert.findElement(By.tagName("button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("details"), "Fire in waste container bin-web"));
    }

    @Test
    @Order(4)
    void theTimeSliderReplaysTheMapAsItWasAndLiveResumes() throws Exception {
        // A bin that was nearly empty three hours ago and is full now: the history has both, the city state the latter.
        Instant now = Instant.now();
        Instant before = now.minus(Duration.ofHours(3));
        publishPacks("bin-past", PAST_BIN, binPack(PAST_BIN, before, 0.1, 15), binPack(PAST_BIN, now, 0.9, 15));
        browser.get("http://127.0.0.1:" + port + "/");
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
        By pastBin = By.cssSelector("#map [data-id='" + PAST_BIN + "']");
        By fire = By.cssSelector("#alerts [data-testid='alert'][data-key='fire-bin-web']");
        wait.withMessage("the bin full on the live map").until(ExpectedConditions.attributeToBe(pastBin, "data-state",
                "full"));
        wait.until(ExpectedConditions.presenceOfElementLocated(fire));
        String[] kept = {""};
        String old = before.truncatedTo(ChronoUnit.MILLIS).toString();
        // The history's writer commits once a second, later when the machine is loaded.
        new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(250))
                .withMessage(() -> "the history to hold the bin's value of three hours ago (" + old + "): " + kept[0]
                        + "; health: " + health() + "; bin-web's: " + history(BIN) + "; the device: "
                        + diagnostic("/api/devices/bin-past") + "; the entity: " + diagnostic("/api/entities/" + PAST_BIN)
                        + "; the launcher's stdout: " + regie.stdout() + "; stderr: " + regie.stderr())
                .until(driver -> (kept[0] = history(PAST_BIN)).contains(old));

        // One step back with the keyboard, as a user would: the page leaves Live and fixes the end of its day.
        WebElement slider = browser.findElement(By.cssSelector("[data-testid='replay-slider']"));
        slider.sendKeys(Keys.ARROW_LEFT);
        WebElement mark = browser.findElement(By.cssSelector("[data-testid='replay-mark']"));
        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid='replay-mark']"),
                Pattern.compile("Replaying \\d\\d:\\d\\d")));
        Instant end = Instant.parse(slider.getAttribute("data-end"));
        // Then to half an hour after the old reading (the slider's steps are five minutes).
        long steps = Math.round(Duration.between(before.plus(Duration.ofMinutes(30)), end).toSeconds() / 300.0);
        assertTrue(steps > 0 && steps <= 288, "the old reading is within the slider's day: " + steps + " steps");
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];"
                + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", slider, -steps);
        Instant shown = end.minus(Duration.ofMinutes(5 * steps));
        wait.withMessage(() -> "the map to show " + shown).until(driver -> {
            String at = driver.findElement(By.cssSelector("[data-testid='replay']")).getAttribute("data-shown");
            return at != null && Instant.parse(at).equals(shown);
        });
        assertEquals(shown, Instant.parse(mark.getAttribute("data-time")));
        assertTrue(mark.getText().startsWith("Replaying "), mark.getText());
        // The bin as it was; the fire, raised since, not yet; the rest of the city still drawn.
        wait.until(ExpectedConditions.attributeToBe(pastBin, "data-state", "low"));
        assertTrue(browser.findElements(fire).isEmpty(), "the fire of later is not in the list");
        assertFalse(browser.findElements(By.cssSelector("#map [data-type='Streetlight']")).isEmpty());

        // Live: the bin is full again and the fire back in the list.
        browser.findElement(By.cssSelector("[data-testid='replay-live']")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='replay-mark']"), "Live"));
        wait.withMessage("the live bin after Live").until(ExpectedConditions.attributeToBe(pastBin, "data-state",
                "full"));
        wait.withMessage("the fire back in the list").until(ExpectedConditions.presenceOfElementLocated(fire));
        assertEquals("0", slider.getAttribute("value"));
    }

    @Test
    @Order(5)
    void rollsAPluginBackAndUpdatesItFromThePluginPanel() throws Exception {
        Path jars = Files.createDirectories(workingDir.resolve("jars"));
        Path v1 = TestJars.plugin(jars.resolve("webtest-1.jar"), TEST_PLUGIN, "1.0.0", true);
        Path v2 = TestJars.plugin(jars.resolve("webtest-2.jar"), TEST_PLUGIN, "2.0.0", true);
        Path v3 = TestJars.plugin(jars.resolve("webtest-3.jar"), TEST_PLUGIN, "3.0.0", true);
        assertEquals(201, send("POST", "/api/plugins", v1).statusCode());
        assertEquals(200, send("PUT", "/api/plugins/" + TEST_PLUGIN, v2).statusCode());

        browser.get("http://127.0.0.1:" + port + "/");
        By row = By.cssSelector("#plugins tr[data-plugin='" + TEST_PLUGIN + "']");
        By version = By.cssSelector("#plugins tr[data-plugin='" + TEST_PLUGIN + "'] [data-testid='plugin-version']");
        wait.until(ExpectedConditions.textToBe(version, "2.0.0"));

        WebElement rollback = browser.findElement(row).findElement(By.cssSelector("[data-testid='plugin-rollback']"));
        wait.until(ExpectedConditions.elementToBeClickable(rollback)).click();
        wait.withMessage("the panel to show 1.0.0 after the rollback").until(ExpectedConditions.textToBe(version, "1.0.0"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("plugin-result"), "ROLLBACK"));
        assertEquals("1.0.0", pluginVersion());

        // An update through the file input: the jar is uploaded with PUT.
        browser.findElement(row).findElement(By.cssSelector("[data-testid='plugin-jar']")).sendKeys(v3.toString());
        browser.findElement(row).findElement(By.cssSelector("[data-testid='plugin-update']")).click();
        wait.withMessage("the panel to show 3.0.0 after the update").until(ExpectedConditions.textToBe(version, "3.0.0"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("plugin-result"), "PROMOTED"));
        assertEquals("3.0.0", pluginVersion());

        // The same jar again is refused; the page shows the problem's detail.
        browser.findElement(row).findElement(By.cssSelector("[data-testid='plugin-jar']")).sendKeys(v3.toString());
        browser.findElement(row).findElement(By.cssSelector("[data-testid='plugin-update']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("plugin-result"), "Refused (409)"));
    }

    @Test
    @Order(6)
    void theBrowserLoggedNoErrors() {
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .toList();
        // The refused update of the previous test is logged by the browser (which shows that the log is read),
        // and it is the one error the page expects: it shows the refusal.
        assertTrue(severe.stream().anyMatch(entry -> entry.getMessage().contains("409")), "no 409 logged: " + severe);
        List<LogEntry> errors = severe.stream().filter(entry -> !entry.getMessage().contains("409")).toList();
        assertTrue(errors.isEmpty(), "console errors: " + errors);
    }

    /** A new bin device: its birth, then a pack at 95 °C, as a real device would send them. */
    private void publishFire() throws Exception {
        publishPacks("bin-web", BIN, binPack(BIN, Instant.now(), 0.4, 95.0));
    }

    /** A bin's SenML pack: filling level and temperature observed at a time. */
    private static String binPack(String bin, Instant at, double level, double temperature) {
        return String.format(Locale.ROOT, "[{\"bn\":\"%s:\",\"bt\":%.3f,\"n\":\"fillingLevel\",\"u\":\"/\",\"v\":%s},"
                + "{\"n\":\"temperature\",\"u\":\"Cel\",\"v\":%s}]", bin, at.toEpochMilli() / 1000.0, level, temperature);
    }

    /** A new device's birth, then its packs in order, over MQTT with the credentials HTTP gave it. */
    private void publishPacks(String deviceId, String entity, String... packs) throws Exception {
        String prefix = "regie/v1/" + SITE + "/dev/" + deviceId + "/";
        String birth = "{\"online\":true,\"type\":\"WasteContainer\",\"entities\":[\"" + entity + "\"],"
                + "\"location\":[4.8953,52.3702],\"interval\":60}";
        // A new device, given its credentials over HTTP as a user would, logs in with them (here over MQTT 3.1.1).
        ProvisionedDevice credentials = ProvisionedDevice.provision(http, port, token, deviceId);
        MqttClient device = new MqttClient("tcp://127.0.0.1:" + mqttPort, credentials.id(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setUserName(credentials.id());
        options.setPassword(credentials.password().toCharArray());
        device.connect(options);
        try {
            device.publish(prefix + "state", birth.getBytes(StandardCharsets.UTF_8), 1, true);
            for (String pack : packs) {
                device.publish(prefix + "tele", pack.getBytes(StandardCharsets.UTF_8), 1, false);
            }
        } finally {
            device.disconnect();
            device.close();
        }
    }

    private int locatedEntities(String type) {
        try {
            JsonNode body = json.readTree(get("/api/entities?limit=10000&type=" + type).body());
            int located = 0;
            for (JsonNode entity : body.path("entities")) {
                if (entity.has("location")) {
                    located++;
                }
            }
            return located;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String pluginVersion() throws Exception {
        return json.readTree(get("/api/plugins/" + TEST_PLUGIN).body()).path("version").asText();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, Path jar) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/java-archive")
                .method(method, HttpRequest.BodyPublishers.ofFile(jar)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
