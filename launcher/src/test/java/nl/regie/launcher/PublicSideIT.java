package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
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
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.StreamSupport;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The public side in the running launcher with the simulated city, the shipped policy, the flood plugin and the shipped
 * public configuration: the sensor register and the CAP feed answer without a token while {@code /api} still needs
 * one; the Amstel's high water appears in the feed as CAP 1.2 valid against the official schema; the register follows
 * a policy change; the register page works in a real browser (headless Chromium) in Dutch and English. The simulated
 * clock starts on a 3rd of December a year before today's, at 300 times real speed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PublicSideIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path CAP_SCHEMA = Path.of("..", "runtime", "public", "src", "test", "resources", "cap",
            "CAP-v1.2.xsd");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private Path config;
    private Path shippedConfig;
    private LauncherProcess regie;
    private Path workingDir;
    private String[] arguments;
    private int port;

    @BeforeAll
    void startTheCity() throws Exception {
        workingDir = TempFolders.create("regie-public");
        Path plugins = Files.createDirectories(workingDir.resolve("plugins"));
        config = Files.createDirectories(workingDir.resolve("config"));
        Path testPlugins = Path.of(System.getProperty("regie.test.plugins"));
        Files.copy(testPlugins.resolve("nl.dijkwacht.flood.jar"), plugins.resolve("nl.dijkwacht.flood.jar"));
        shippedConfig = Path.of(System.getProperty("regie.shipped.config"));
        for (String file : List.of("nl.dijkwacht.flood.cfg", "nl.regie.runtime.policy.cfg",
                "nl.regie.runtime.public.cfg")) {
            Files.copy(shippedConfig.resolve(file), config.resolve(file));
        }
        port = freePort();
        String start = LocalDate.now(ZoneId.of("Europe/Amsterdam")).minusYears(1).withMonth(12).withDayOfMonth(3)
                .atTime(LocalTime.of(18, 30)).toString();
        arguments = new String[] {"--http-port", Integer.toString(port), "--mqtt-port", Integer.toString(freePort()),
            "--plugins", plugins.toString(), "--config-dir", config.toString(), "--simulator-speed", "300",
            "--simulator-start", start};
        regie = LauncherProcess.start(workingDir, arguments);
        regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
    }

    @AfterAll
    void stopTheCity() {
        if (regie != null) {
            regie.close();
        }
    }

    @Test
    @Order(1)
    void theRegisterNeedsNoTokenWhileTheApiStillDoes() throws Exception {
        assertEquals(401, get("/api/entities").statusCode(), "a token-less /api call is still refused");
        assertEquals(401, get("/api/alerts").statusCode());
        JsonNode gauge = await("gauge-01 in the register with its water level", () -> sensor("gauge-01")
                .filter(s -> s.path("measures").toString().contains("waterLevel")));
        assertEquals("waterboard", gauge.path("managingParty").asText());
        assertTrue(gauge.path("purposeDeclared").asBoolean());
        assertTrue(gauge.path("legalBasis").asText().contains("Waterwet"), gauge.toString());
        assertTrue(recipients(gauge).contains("city raw"), gauge.toString());
        assertTrue(gauge.path("recipients").get(0).path("plugins").toString().contains("nl.dijkwacht.flood"),
                "the flood plugin, of the water board, reads the gauges: " + gauge);
        assertFalse(gauge.path("personalData").asBoolean());
        assertEquals(7, gauge.path("retention").path("rawDays").asInt(), gauge.toString());
        JsonNode bin = await("a bin in the register", () -> sensor("bin-001"));
        assertEquals("contractor", bin.path("managingParty").asText());
        JsonNode lamp = await("a lamp in the register", () -> sensor("lamp-001"));
        assertEquals(List.of("city raw"), recipients(lamp), "the city's lamps go to no one else");
        assertTrue(json.readTree(get("/public/sensors.json").body()).has("sharedLast30Days"));

        HttpResponse<String> page = get("/public/sensors");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Sensorregister") && page.body().contains("<svg id=\"map\""));
        assertTrue(get("/public/sensors?lang=en").body().contains("Sensor register"));
        assertEquals(400, get("/public/sensors?lang=de").statusCode());
        HttpResponse<String> csv = get("/public/sensors.csv");
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertTrue(csv.body().startsWith("device,type,longitude,latitude,"));
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/public/sensors"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build();
        assertEquals(401, http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode(), "read-only");
    }

    @Test
    @Order(2)
    void theAmstelsHighWaterAppearsInTheFeedAsValidCap() throws Exception {
        String atom = await("the flood alert in the CAP feed", () -> Optional.of(get("/public/alerts.atom").body())
                .filter(body -> body.contains("regie-demo-flood-gauge-01-")));
        Document feed = parse(atom);
        Element link = (Element) feed.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "link").item(1);
        String url = link.getAttribute("href");
        assertTrue(url.startsWith("http://127.0.0.1:" + port + "/public/alerts/regie-demo-flood-gauge-01-"), url);
        HttpResponse<String> message = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, message.statusCode());
        assertTrue(message.headers().firstValue("Content-Type").orElse("").startsWith("application/cap+xml"));
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        Schema schema = factory.newSchema(CAP_SCHEMA.toFile());
        schema.newValidator().validate(new StreamSource(new StringReader(message.body())));
        Document cap = parse(message.body());
        String instruction = cap.getElementsByTagNameNS("urn:oasis:names:tc:emergency:cap:1.2", "instruction").item(0)
                .getTextContent();
        assertTrue(instruction.startsWith("Nearest sandbag points: "), instruction);
        assertTrue(cap.getElementsByTagNameNS("urn:oasis:names:tc:emergency:cap:1.2", "circle").getLength() == 1);
        assertEquals(404, get("/public/alerts/no-such-message.xml").statusCode());
    }

    @Test
    @Order(3)
    void theRegisterFollowsAPolicyChange() throws Exception {
        String policy = Files.readString(shippedConfig.resolve("nl.regie.runtime.policy.cfg"), StandardCharsets.UTF_8)
                .replace("    waterboard>city WaterObserved/#, \\\n", "");
        assertFalse(policy.contains("waterboard>city WaterObserved"), "the test removes the grant");
        Files.writeString(config.resolve("nl.regie.runtime.policy.cfg"), policy);
        await("the city to be gone from gauge-01's recipients", () -> sensor("gauge-01")
                .filter(s -> !recipients(s).contains("city raw")));
    }

    /**
     * The register page as a resident opens it, in headless Chromium, without a token: in Dutch first, with the map and
     * the list of devices; the link to English switches the page, with the same devices; and back.
     */
    @Test
    @Order(4)
    void theRegisterPageShowsTheDevicesOnTheMapAndInTheListInDutchAndEnglish() throws Exception {
        HeadlessChromium.assumeInstalled();
        int located = await("located sensors in the register", () -> {
            long n = StreamSupport.stream(json.readTree(get("/public/sensors.json").body()).path("sensors")
                    .spliterator(), false).filter(s -> s.path("location").isArray()).count();
            return n > 0 ? Optional.of((int) n) : Optional.empty();
        });
        ChromeDriver browser = HeadlessChromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
            browser.get("http://127.0.0.1:" + port + "/public/sensors");
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Sensorregister"));
            assertEquals("nl", browser.findElement(By.tagName("html")).getAttribute("lang"));
            assertEquals("Apparaat", browser.findElement(By.cssSelector("#sensors th")).getText());
            assertTrue(browser.findElements(By.cssSelector("#map circle")).size() >= located,
                    "every located device is on the map");
            WebElement gauge = browser.findElement(By.id("d-gauge-01"));
            assertTrue(gauge.getText().contains("Waterstanden meten om voor hoog water te waarschuwen"),
                    gauge.getText());
            assertTrue(browser.findElements(By.cssSelector("#sensors tr[id^='d-bin-']")).size() > 0,
                    "the bins are in the list");

            browser.findElement(By.linkText("English")).click();
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Sensor register"));
            assertEquals("en", browser.findElement(By.tagName("html")).getAttribute("lang"));
            assertTrue(browser.getCurrentUrl().endsWith("/public/sensors?lang=en"), browser.getCurrentUrl());
            assertEquals("Device", browser.findElement(By.cssSelector("#sensors th")).getText());
            gauge = browser.findElement(By.id("d-gauge-01"));
            assertTrue(gauge.getText().contains("Measure water levels to warn of high water"), gauge.getText());
            assertTrue(browser.findElements(By.cssSelector("#sensors tr[id^='d-bin-']")).size() > 0);
            assertTrue(browser.findElements(By.cssSelector("#map circle")).size() >= located);

            browser.findElement(By.linkText("Nederlands")).click();
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Sensorregister"));
            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertTrue(errors.isEmpty(), "console errors: " + errors);
        } finally {
            browser.quit();
        }
    }

    /**
     * The CAP messages issued are kept in the state folder: after a restart of the launcher on the same folder, a
     * message issued before it answers at its URL with the same document.
     */
    @Test
    @Order(5)
    void aMessageIssuedBeforeARestartAnswersTheSameAfterIt() throws Exception {
        String atom = await("the flood alert in the CAP feed", () -> Optional.of(get("/public/alerts.atom").body())
                .filter(body -> body.contains("regie-demo-flood-gauge-01-")));
        Element link = (Element) parse(atom).getElementsByTagNameNS("http://www.w3.org/2005/Atom", "link").item(1);
        String path = URI.create(link.getAttribute("href")).getPath();
        HttpResponse<String> before = get(path);
        assertEquals(200, before.statusCode());
        assertTrue(Files.isDirectory(workingDir.resolve("state").resolve("public-alerts")));

        regie.close();
        String identifier = path.substring(path.lastIndexOf('/') + 1, path.length() - ".xml".length());
        assertTrue(keptIn(workingDir.resolve("state").resolve("public-alerts"), identifier),
                "the message " + identifier + " is in the state folder");
        regie = LauncherProcess.start(workingDir, arguments);
        regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
        HttpResponse<String> after = await("the message after the restart", () -> Optional.of(get(path))
                .filter(response -> response.statusCode() == 200));
        assertEquals(before.body(), after.body(), "the same message, unchanged, at the same URL");
    }

    /** Whether a file in the folder holds the text (the state files keep strings as UTF-8). */
    private static boolean keptIn(Path folder, String text) throws IOException {
        byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (content.contains(new String(wanted, StandardCharsets.ISO_8859_1))) {
                    return true;
                }
            }
        }
        return false;
    }

    private Optional<JsonNode> sensor(String device) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/public/sensors.json");
        assertEquals(200, response.statusCode(), response.body());
        for (JsonNode sensor : json.readTree(response.body()).path("sensors")) {
            if (sensor.path("device").asText().equals(device)) {
                return Optional.of(sensor);
            }
        }
        return Optional.empty();
    }

    private static List<String> recipients(JsonNode sensor) {
        return StreamSupport.stream(sensor.path("recipients").spliterator(), false)
                .map(r -> r.path("party").asText() + " " + r.path("form").asText()).toList();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @FunctionalInterface
    private interface Probe<T> {
        Optional<T> look() throws IOException, InterruptedException;
    }

    /** Polls until the probe finds what it looks for; fails with the launcher's transcript after {@link #WAIT}. */
    private <T> T await(String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> found = probe.look();
            if (found.isPresent()) {
                return found.get();
            }
            if (!regie.isAlive()) {
                fail("the launcher exited while waiting for " + what + ":\n" + regie.transcript());
            }
            Thread.sleep(200);
        }
        fail("waited " + WAIT.toSeconds() + " s for " + what + "; launcher output:\n" + regie.transcript());
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
