package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.GenerationOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official {@code openai} npm client (version pinned by {@code src/test/node/package-lock.json}, installed with
 * {@code npm ci} into {@code target/openai-client}) against a server on the fixture checkpoint: a captioning
 * request with a data-URI image, a streamed one and a bad one; the replies equal the Engine's. Needs Node.js and
 * npm; without them, or without the registry on a fresh build, the test fails: it is never skipped.
 */
class OpenAiNodeClientTest {
    static final String KEY = "test-key";

    @Test
    void officialOpenAiClientGetsTheEngineReplies() throws Exception {
        Path client = installClient();
        Path image = TestModel.image("photo_board.jpg");
        try (Engine engine = TestModel.load();
             OpenAiServer server = OpenAiServer.start(engine, ServerOptions.builder().port(0).modelName("tiny-visionpangu")
                     .apiKey(KEY).build())) {
            String out = run(client, 120, "node", "client.mjs", server.baseUri().toString(), KEY, image.toString());
            JsonNode o = Http.JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElse(""));

            assertEquals("tiny-visionpangu", o.get("models").get(0).asText());

            Completion caption = engine.caption(ImageInput.of(image), Engine.DEFAULT_CAPTION_PROMPT, greedy(12));
            assertEquals(caption.text(), o.get("caption").get("text").asText());
            assertEquals("length", o.get("caption").get("finish_reason").asText());
            assertEquals(caption.promptTokenIds().length, o.get("caption").get("usage").get("prompt_tokens").asInt());
            assertEquals(12, o.get("caption").get("usage").get("completion_tokens").asInt());

            Completion streamed = engine.caption(ImageInput.of(image), Engine.DEFAULT_CAPTION_PROMPT, greedy(10));
            JsonNode s = o.get("stream");
            assertEquals(streamed.text(), s.get("text").asText());
            assertEquals("length", s.get("finish_reason").asText());
            assertEquals(10, s.get("usage").get("completion_tokens").asInt());
            assertTrue(s.get("chunks").asInt() >= 3, s.toString());

            JsonNode bad = o.get("bad");
            assertEquals(400, bad.get("status").asInt(), bad.toString());
            assertEquals("BadRequestError", bad.get("name").asText());
            assertEquals("invalid_request_error", bad.get("type").asText());
            assertEquals("invalid_base64", bad.get("code").asText());
            assertEquals("messages[0].content[0].image_url.url", bad.get("param").asText());
        }
    }

    private static GenerationOptions greedy(int n) {
        return GenerationOptions.builder().maxNewTokens(n).build();
    }

    /** Copies the client project into target/ and installs the locked openai package with {@code npm ci}. */
    private static Path installClient() throws IOException, InterruptedException {
        Path src = Path.of("src/test/node");
        Path dir = Path.of("target/openai-client");
        Files.createDirectories(dir);
        boolean fresh = !Files.exists(dir.resolve("package-lock.json"))
                || Files.mismatch(src.resolve("package-lock.json"), dir.resolve("package-lock.json")) != -1
                || !Files.exists(dir.resolve("node_modules/openai/package.json"));
        for (String f : List.of("package.json", "package-lock.json", "client.mjs")) {
            Files.copy(src.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (fresh) {
            run(dir, 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }
        return dir;
    }

    /** Runs a command in {@code dir}; its stdout, or an AssertionError with its output when it fails. */
    private static String run(Path dir, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("openai-client", ".out");
        Path err = Files.createTempFile("openai-client", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            String stdout = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + "\nstdout:\n"
                        + stdout + "\nstderr:\n" + Files.readString(err));
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
