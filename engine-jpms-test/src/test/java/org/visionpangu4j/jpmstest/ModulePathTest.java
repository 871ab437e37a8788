package org.visionpangu4j.jpmstest;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.GenerationOptions;
import org.visionpangu4j.ImageInput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine as a user's module sees it: {@link ApiOnModulePath} (which the compiler let use only exported API)
 * runs in a JVM started with nothing but the module path — no class path, no {@code --add-modules} — and must
 * give the same caption as the engine on the class path.
 */
class ModulePathTest {
    private static final int NEW_TOKENS = 12;

    @Test
    void theApiRunsOnTheModulePath() throws IOException, InterruptedException {
        Path model = Path.of(System.getProperty("visionpangu.testdata"), "tiny-visionpangu");
        Path image = model.resolve("images/photo_board.jpg");
        String deps = Files.readString(Path.of("target/module-path.txt")).strip();
        String modulePath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator + deps;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath, "--module",
                "org.visionpangu4j.jpmstest/org.visionpangu4j.jpmstest.ApiOnModulePath",
                model.toString(), image.toString(), Integer.toString(NEW_TOKENS)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the module-path run finished");
        assertEquals(0, p.exitValue(), out);

        int[] expected;
        try (Engine engine = Engine.load(model, EngineOptions.builder().threads(2).build())) {
            expected = engine.caption(ImageInput.of(image), Engine.DEFAULT_CAPTION_PROMPT,
                    GenerationOptions.greedy(NEW_TOKENS)).tokenIds();
        }
        assertTrue(out.contains("family VisionPangu (openPangu-Embedded); layout InternVL-native"), out);
        assertTrue(out.contains("module org.visionpangu4j named true"), "the API ran as a named module: " + out);
        assertTrue(out.contains("caption ids " + Arrays.toString(expected)), "same caption as on the class path: " + out);
        assertTrue(out.contains("stream true"), out);
        assertTrue(out.contains("error ImageInputException"), out);
    }
}
