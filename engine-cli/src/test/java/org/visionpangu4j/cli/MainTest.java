package org.visionpangu4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.core.safetensors.SafeTensorsWriter;
import org.visionpangu4j.core.tensor.DType;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the command line in-process and checks exit codes, stdout and stderr. */
class MainTest {
    private static final Path MODEL = Path.of(System.getProperty("visionpangu.testdata"), "tiny-visionpangu");

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        String[] errLines() {
            return err.isEmpty() ? new String[0] : err.split("\\R");
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertOneLineError(Result r, int code, String... fragments) {
        assertEquals(code, r.code, "exit code; stderr: " + r.err);
        assertEquals("", r.out, "nothing on stdout");
        assertEquals(1, r.errLines().length, "one line on stderr: " + r.err);
        for (String f : fragments) {
            assertTrue(r.err.contains(f), () -> "stderr should contain '" + f + "': " + r.err);
        }
    }

    /** Parameter counts from the config (read here as plain JSON) by the model's formulas, independent of info. */
    private static String expectedParameters(JsonNode c) {
        JsonNode v = c.get("vision_config");
        long h = v.get("hidden_size").asLong();
        long mlp = v.get("intermediate_size").asLong();
        long patch = v.get("patch_size").asLong();
        long perLayer = (3 * h * h + 3 * h) + (h * h + h) + (mlp * h + mlp) + (h * mlp + h) + 4 * h + 2 * h;
        long grid = c.get("force_image_size").asLong() / patch;
        long vision = v.get("num_hidden_layers").asLong() * perLayer + (h * 3 * patch * patch + h) + h
                + (grid * grid + 1) * h;
        JsonNode l = c.get("llm_config");
        long d = l.get("hidden_size").asLong();
        long headDim = d / l.get("num_attention_heads").asLong();
        long qDim = l.get("num_attention_heads").asLong() * headDim;
        long kvDim = l.get("num_key_value_heads").asLong() * headDim;
        long vocab = l.get("vocab_size").asLong();
        long shuffled = 4 * h;
        long projector = 2 * shuffled + (d * shuffled + d) + (d * d + d);
        long attn = qDim * d + qDim + 2 * (kvDim * d + kvDim) + d * qDim + d;
        long llmLayer = attn + 3L * l.get("intermediate_size").asLong() * d + 2 * d;
        long llm = l.get("num_hidden_layers").asLong() * llmLayer + d + vocab * d;
        long head = vocab * d;
        return String.format(Locale.ROOT, "vision %,d, projector %,d, llm %,d, lm_head %,d, total %,d",
                vision, projector, llm, head, vision + projector + llm + head);
    }

    @Test
    void infoDescribesTheFixture() {
        Result r = run("info", "--model", MODEL.toString());
        assertEquals(0, r.code, r.err);
        assertEquals("", r.err);
        String out = r.out;
        assertTrue(out.contains("family      VisionPangu (openPangu-Embedded)\n"), out);
        assertTrue(out.contains("layout      InternVL-native\n"), out);
        assertTrue(out.contains("weights     67 tensors, 1.1 MiB in model.safetensors"), out);
        assertTrue(out.contains("dtypes      BF16 ×67"), out);
        assertTrue(out.contains("vision      2 layers, hidden 64, 4 heads (head dim 16), MLP 128 gelu"), out);
        assertTrue(out.contains("112×112 px, patch 14 (8×8 patches), dynamic tiles 1..6, thumbnail yes"), out);
        assertTrue(out.contains("pixel shuffle ×0.5 (ps v2) → 16 tokens per tile"), out);
        assertTrue(out.contains("llm         2 layers, hidden 96, 6 query / 2 kv heads (head dim 16), FFN 192, vocab 1545"), out);
        assertTrue(out.contains("rope θ 4000000, rms eps 1.0E-5, bias q/k/v yes, o yes, tied embeddings no"), out);
        assertTrue(out.contains("template    openpangu\n"), out);
        String params;
        try {
            params = expectedParameters(new ObjectMapper().readTree(MODEL.resolve("config.json").toFile()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals("vision 109,120, projector 34,496, llm 309,056, lm_head 148,320, total 600,992", params);
        assertTrue(out.contains("parameters  " + params + "\n"), out);
    }

    @Test
    void missingDirectory() {
        Path nope = dir.resolve("no-model-here");
        assertOneLineError(run("info", "--model", nope.toString()), Main.EXIT_FAILURE,
                "visionpangu: error: ", nope + ": no such model directory");
    }

    @Test
    void fileInsteadOfDirectory() {
        assertOneLineError(run("info", "--model", MODEL.resolve("config.json").toString()), Main.EXIT_FAILURE,
                "not a directory");
    }

    @Test
    void directoryWithoutConfig() throws IOException {
        Files.copy(MODEL.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        assertOneLineError(run("info", "--model", dir.toString()), Main.EXIT_FAILURE, "config.json not found");
    }

    @Test
    void brokenWeightsNameTheFile() throws IOException {
        Files.copy(MODEL.resolve("config.json"), dir.resolve("config.json"));
        Files.write(dir.resolve("model.safetensors"), new byte[3]);
        assertOneLineError(run("info", "--model", dir.toString()), Main.EXIT_FAILURE,
                "model.safetensors: file is 3 bytes");
    }

    @Test
    void unrecognisedLayoutIsOneLine() throws IOException {
        Files.copy(MODEL.resolve("config.json"), dir.resolve("config.json"));
        new SafeTensorsWriter().add("encoder.weight", DType.F32, new long[]{1}, SafeTensorsWriter.zeros())
                .write(dir.resolve("model.safetensors"));
        assertOneLineError(run("info", "--model", dir.toString()), Main.EXIT_FAILURE,
                "unrecognised checkpoint layout (1 tensors: encoder.weight)");
    }

    @Test
    void otherLayoutsAreDescribedAsUnsupported() throws IOException {
        Files.copy(MODEL.resolve("config.json"), dir.resolve("config.json"));
        new SafeTensorsWriter()
                .add("model.vision_tower.embeddings.cls_token", DType.BF16, new long[]{4}, SafeTensorsWriter.zeros())
                .add("model.multi_modal_projector.layer_norm.weight", DType.BF16, new long[]{2}, SafeTensorsWriter.zeros())
                .add("model.language_model.embed_tokens.weight", DType.BF16, new long[]{3, 2}, SafeTensorsWriter.zeros())
                .add("lm_head.weight", DType.BF16, new long[]{3, 2}, SafeTensorsWriter.zeros())
                .write(dir.resolve("model.safetensors"));
        assertOneLineError(run("info", "--model", dir.toString()), Main.EXIT_FAILURE,
                "HF-native InternVL layout, which is recognised but not supported yet");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Result r = run("info", "--model", dir.resolve("nope").toString(), "--verbose");
        assertEquals(Main.EXIT_FAILURE, r.code);
        assertTrue(r.errLines().length > 2, r.err);
        assertTrue(r.errLines()[0].startsWith("visionpangu: error: "), r.err);
        assertTrue(r.err.contains("\tat org.visionpangu4j.cli.InfoCommand.call"), r.err);
        // Also when given before the subcommand.
        Result r2 = run("--verbose", "info", "--model", dir.resolve("nope").toString());
        assertTrue(r2.errLines().length > 2, r2.err);
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        assertOneLineError(run("info"), Main.EXIT_USAGE, "Missing required option: '--model=DIR'",
                "try 'visionpangu info --help'");
        assertOneLineError(run("frobnicate"), Main.EXIT_USAGE, "Unmatched argument");
        assertOneLineError(run("info", "--model"), Main.EXIT_USAGE, "Missing required parameter");
    }

    @Test
    void helpAndVersion() {
        Result help = run("--help");
        assertEquals(0, help.code);
        assertTrue(help.out.contains("info"), help.out);
        Result bare = run();
        assertEquals(0, bare.code);
        assertTrue(bare.out.startsWith("Usage: visionpangu"), bare.out);
        Result infoHelp = run("info", "--help");
        assertEquals(0, infoHelp.code);
        assertTrue(infoHelp.out.contains("--model=DIR"), infoHelp.out);
        Result version = run("--version");
        assertEquals(0, version.code);
        assertTrue(version.out.startsWith("visionpangu "), version.out);
    }

    @Test
    void describeKeepsOneLine() {
        assertEquals("a b c", Main.oneLine("a\n  b\r\nc\n"));
        assertEquals("IllegalStateException: x y", Main.describe(new IllegalStateException("x\ny")));
        assertEquals("NullPointerException", Main.describe(new NullPointerException()));
    }

    /** {@code java -cp … Main caption …} without {@code --add-modules jdk.incubator.vector}: one line, exit 1. */
    @Test
    void aJvmWithoutTheVectorApiGetsOneLine() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "caption", "--model",
                MODEL.toString(), MODEL.resolve("images/photo_board.jpg").toString())).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
        assertOneLineError(new Result(p.exitValue(), out, err), Main.EXIT_FAILURE,
                "visionpangu: error: the Java Vector API is not available: start the JVM with --add-modules"
                        + " jdk.incubator.vector");
    }
}
