package nl.regie.launcher;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium} driven by its {@code chromedriver}, headless, at 1280x800, with the browser's console
 * kept for the test to read. Both binaries are given by path, so Selenium Manager never looks for (or downloads)
 * a driver or a browser.
 *
 * <p>When either is missing the test is skipped, unless the environment variable {@code CI} is {@code true}: then
 * it fails, so CI never passes by skipping (as with the Mosquitto tests).
 */
final class HeadlessChromium {

    static final Path CHROMIUM = Path.of(System.getProperty("regie.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("regie.test.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    /** Skips the test (or fails it on CI) when chromium or chromedriver is missing. */
    static void assumeInstalled() {
        List<Path> missing = new ArrayList<>();
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                missing.add(binary);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "Chromium is not installed (missing " + missing
                + "); install Debian's chromium and chromium-driver packages to run the browser test";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: not skipping)");
        }
        assumeTrue(false, message);
    }

    /** A new headless browser; the caller quits it. */
    static ChromeDriver start() {
        // Belt and braces: with the driver's path given, Selenium Manager is not consulted.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI may run as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,800", "--no-first-run", "--no-default-browser-check", "--disable-extensions");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        return new ChromeDriver(service, options);
    }
}
