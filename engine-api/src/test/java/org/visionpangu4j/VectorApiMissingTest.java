package org.visionpangu4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without {@code --add-modules jdk.incubator.vector}, loading fails with one clear error, not NoClassDefFoundError. */
class VectorApiMissingTest {

    /** Loads the fixture and prints the outcome; run in a JVM whose class path is this test's. */
    public static void main(String[] args) {
        try {
            Engine.load(Path.of(args[0])).close();
            System.out.println("loaded");
        } catch (Throwable t) {
            System.out.println(t.getClass().getName() + ": " + t.getMessage());
        }
    }

    @Test
    void loadSaysWhichJvmOptionIsMissing() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), VectorApiMissingTest.class.getName(),
                TestModels.dir().toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals("org.visionpangu4j.core.VisionPanguException: the Java Vector API is not available: start the"
                + " JVM with --add-modules jdk.incubator.vector (the engine's kernels are written on it)", out);
    }
}
