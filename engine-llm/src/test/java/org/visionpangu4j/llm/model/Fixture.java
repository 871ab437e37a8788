package org.visionpangu4j.llm.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny-visionpangu fixture: model directory, config, and golden files (all read-only). */
public final class Fixture {
    private Fixture() {
    }

    public static Path dir() {
        String root = System.getProperty("visionpangu.testdata");
        if (root == null) {
            throw new IllegalStateException("system property visionpangu.testdata is not set (the build sets it)");
        }
        Path dir = Path.of(root, "tiny-visionpangu");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixture directory " + dir + " is missing");
        }
        return dir;
    }

    /** Where the fixture (InternVL-native layout) keeps its decoder. */
    public static final DecoderTensorNames NAMES =
            new DecoderTensorNames("language_model.model.", "language_model.lm_head.weight");

    /** A pool for loading (quantization) in tests; daemon threads, never closed. */
    public static final WorkerPool POOL = new WorkerPool(2);

    /** The fixture's llm_config read here as plain JSON (the engine's own reader is the model family's). */
    public static DecoderConfig config() {
        try {
            JsonNode l = new ObjectMapper().readTree(dir().resolve("config.json").toFile()).get("llm_config");
            int hidden = l.get("hidden_size").asInt();
            int heads = l.get("num_attention_heads").asInt();
            return new DecoderConfig(hidden, l.get("intermediate_size").asInt(), l.get("num_hidden_layers").asInt(),
                    heads, l.get("num_key_value_heads").asInt(), hidden / heads, l.get("vocab_size").asInt(),
                    l.get("rope_theta").asDouble(), l.get("rms_norm_eps").asDouble(), l.get("bias").asBoolean(),
                    l.get("bias").asBoolean(), l.get("tie_word_embeddings").asBoolean(),
                    l.get("max_position_embeddings").asInt());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The fixture's decoder from {@code ckpt} in {@code formats}. */
    public static Decoder decoder(Checkpoint ckpt, WeightFormats formats) {
        return Decoder.load(ckpt, NAMES, config(), formats, POOL);
    }

    /** The decoder weights of {@code ckpt} (fixture names) under {@code cfg}. */
    public static DecoderWeights weights(Checkpoint ckpt, DecoderConfig cfg, WeightFormats formats) {
        return DecoderWeights.load(ckpt, NAMES, cfg, formats, POOL);
    }

    public static DecoderWeights weights(Checkpoint ckpt, DecoderConfig cfg) {
        return weights(ckpt, cfg, WeightFormats.asStored());
    }

    public static Checkpoint model() {
        return Checkpoint.open(dir());
    }

    public static Checkpoint golden(String file) {
        return Checkpoint.open(dir().resolve("golden").resolve(file));
    }

    public static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(t.getLong(i));
        }
        return out;
    }

    /** Largest |a[aOff+i] − b[bOff+i]| over n elements. */
    public static double maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs((double) a[aOff + i] - b[bOff + i]));
        }
        return m;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        return maxAbsDiff(a, 0, b, 0, a.length);
    }
}
