package org.visionpangu4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** caption / chat / tokenize through the command line, against the goldens, and their error paths. */
class CliCommandsTest {
    private static final Path MODEL = Path.of(System.getProperty("visionpangu.testdata"), "tiny-visionpangu");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static JsonNode manifest() throws IOException {
        return JSON.readTree(MODEL.resolve("golden/manifest.json").toFile());
    }

    @Test
    void captionJsonReproducesTheMultimodalGolden() throws IOException {
        JsonNode mm = manifest().get("multimodal");
        Path image = MODEL.resolve(mm.get("image").asText());
        Run r = run("caption", "--model", MODEL.toString(), "--threads", "2", "--json",
                "--system", mm.get("system_message").asText(), "--prompt", mm.get("question").asText(),
                "--max-new-tokens", mm.get("max_new_tokens").asText(), image.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = JSON.readTree(r.out().strip());
        assertEquals(image.toString(), o.get("image").asText());
        assertEquals(mm.get("generated_ids"), o.get("token_ids"));
        assertEquals(mm.get("response").asText(), o.get("caption").asText());
        assertEquals(7, o.get("tiles").get(0).asInt());
        assertEquals("max_tokens", o.get("stop_reason").asText());
        assertEquals(171, o.get("prompt_token_ids").size());
        assertTrue(o.get("timings_ms").has("first_token"));
    }

    @Test
    void chatJsonReproducesTheTextGolden() throws IOException {
        JsonNode text = manifest().get("text");
        Run r = run("chat", "--model", MODEL.toString(), "--threads", "2", "--json",
                "--system", text.get("messages").get(0).get("content").asText(),
                "--prompt", text.get("messages").get(1).get("content").asText(),
                "--max-new-tokens", text.get("greedy_new_tokens").asText());
        assertEquals(0, r.code(), r.err());
        JsonNode o = JSON.readTree(r.out().strip());
        assertEquals(text.get("greedy_ids"), o.get("token_ids"));
    }

    @Test
    void captionStreamsTextWithoutJson() {
        Run r = run("caption", "--model", MODEL.toString(), "--threads", "1", "--max-new-tokens", "8",
                MODEL.resolve("images/alpha_badge.png").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.out().isBlank(), "a caption was printed");
    }

    @Test
    void tokenizeJsonlMatchesEveryTokenizerCase(@TempDir Path tmp) throws IOException {
        JsonNode cases = JSON.readTree(MODEL.resolve("golden/tokenizer_cases.json").toFile()).get("cases");
        List<String> lines = new ArrayList<>();
        for (JsonNode c : cases) {
            lines.add(JSON.writeValueAsString(c.get("text").asText()));
        }
        Path in = tmp.resolve("cases.jsonl");
        Files.write(in, lines, StandardCharsets.UTF_8);
        Run r = run("tokenize", "--model", MODEL.toString(), "--jsonl", in.toString());
        assertEquals(0, r.code(), r.err());
        String[] out = r.out().strip().split("\n");
        assertEquals(cases.size(), out.length);
        for (int i = 0; i < out.length; i++) {
            assertEquals(cases.get(i).get("ids"), JSON.readTree(out[i]), "case " + i + ": " + lines.get(i));
        }
        Run single = run("tokenize", "--model", MODEL.toString(), cases.get(1).get("text").asText());
        assertEquals(cases.get(1).get("ids"), JSON.readTree(single.out().strip()));
    }

    @Test
    void errorPathsExitNonZeroWithOneLine(@TempDir Path tmp) throws IOException {
        Run missingModel = run("caption", "--model", tmp.resolve("nope").toString(), "x.png");
        assertEquals(Main.EXIT_FAILURE, missingModel.code());
        assertTrue(missingModel.err().contains("no such model directory"), missingModel.err());
        assertEquals(1, missingModel.err().strip().lines().count(), missingModel.err());

        Path bad = Files.write(tmp.resolve("bad.png"), new byte[]{1, 2, 3, 4});
        Run badImage = run("caption", "--model", MODEL.toString(), bad.toString());
        assertEquals(Main.EXIT_FAILURE, badImage.code());
        assertTrue(badImage.err().startsWith("visionpangu: error: "), badImage.err());
        assertTrue(badImage.err().contains("bad.png"), badImage.err());
        assertEquals(1, badImage.err().strip().lines().count(), badImage.err());

        Run unknownOption = run("caption", "--frobnicate", "x.png");
        assertEquals(Main.EXIT_USAGE, unknownOption.code());
        assertTrue(unknownOption.err().contains("--frobnicate"), unknownOption.err());

        Run badWeights = run("caption", "--model", MODEL.toString(), "--weights", "q3_k", "x.png");
        assertEquals(Main.EXIT_FAILURE, badWeights.code());
        assertTrue(badWeights.err().contains("--weights must be as-stored, q8_0 or q4_0"), badWeights.err());

        Run verbose = run("caption", "--verbose", "--model", MODEL.toString(), bad.toString());
        assertTrue(verbose.err().lines().count() > 1, "--verbose prints the stack trace");

        Run noImage = run("tokenize", "--model", MODEL.toString());
        assertEquals(Main.EXIT_USAGE, noImage.code());
    }
}
