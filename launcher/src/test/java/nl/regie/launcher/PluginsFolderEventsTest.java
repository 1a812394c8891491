package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/** What the console says of plugins coming and going, on a real Felix framework. */
class PluginsFolderEventsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ConsoleLog console = new ConsoleLog(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
    private Framework framework;
    private Path plugins;

    @BeforeEach
    void start() throws Exception {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        framework = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                // The test plugins import the api's health package; the class path has it.
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "nl.regie.api.health;version=1.0.0"));
        framework.start();
        new PluginsFolder(plugins, console).watch(framework.getBundleContext());
    }

    @AfterEach
    void stop() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void anUpdateNamesTheOldVersionForTheStopAndTheNewOneForTheStart() throws Exception {
        Path jar = TestJars.plugin(plugins.resolve("com.example.swap.jar"), "com.example.swap", "1.0.0", true);
        Bundle bundle;
        try (InputStream in = Files.newInputStream(jar)) {
            bundle = framework.getBundleContext().installBundle("regie-plugin:com.example.swap", in);
        }
        bundle.start();
        TestJars.plugin(jar, "com.example.swap", "1.0.1", true);
        try (InputStream in = Files.newInputStream(jar)) {
            bundle.update(in);
        }

        assertEquals(List.of(
                "[com.example.swap] plugin 1.0.0 installed (com.example.swap.jar)",
                "[com.example.swap] plugin 1.0.0 started (com.example.swap.jar)",
                "[com.example.swap] plugin 1.0.0 stopped (com.example.swap.jar)",
                "[com.example.swap] plugin 1.0.1 updated (com.example.swap.jar)",
                "[com.example.swap] plugin 1.0.1 started (com.example.swap.jar)"), lines());
    }

    @Test
    void theLifecyclesPreflightCandidateIsNoPluginAndIsNamedAsTheLifecyclesOwn() throws Exception {
        Path jar = TestJars.plugin(dir.resolve("candidate.jar"), "com.example.swap.regie-preflight", "1.0.1", true);
        Bundle candidate;
        try (InputStream in = Files.newInputStream(jar)) {
            candidate = framework.getBundleContext().installBundle("regie-preflight:com.example.swap", in);
        }
        candidate.uninstall();

        assertEquals(List.of(), lines(), "nothing about a plugin that never was");
        assertEquals("nl.regie.runtime.lifecycle: pre-flight check of com.example.swap", ConsoleLog.name(candidate));
    }

    /** The console's lines without their time stamp and level. */
    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().map(line -> line.substring(line.indexOf('['))).toList();
    }
}
