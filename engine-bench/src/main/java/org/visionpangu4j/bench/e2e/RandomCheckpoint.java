package org.visionpangu4j.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.core.safetensors.SafeTensorsWriter;
import org.visionpangu4j.core.tensor.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A VisionPangu-shaped model directory with random BF16 weights, for benchmarks at the real shape without the
 * real checkpoint: {@code config.json} (InternVL-chat layout, like the fixture's) and {@code model.safetensors}
 * (InternVL-native names). There are no tokenizer files (the real vocabulary is not ours to ship), so paths that
 * need a tokenizer must be driven with token ids.
 *
 * <p>Values keep activations finite and of ordinary size: matrices, embeddings and biases uniform with standard
 * deviation 0.02, norm weights 1 ± 0.05, norm biases ±0.02·√3, layer scales 0.1 ± 0.01. Each tensor has its own
 * random stream (seeded from the seed and its name), so files are reproducible.
 *
 * <p>Written once into a cache directory (default {@code .bench-cache/visionpangu-random} under the repository;
 * see {@link #defaultDirectory()}): streamed through a small buffer (little heap), into a temporary directory
 * renamed into place when complete, so an interrupted run leaves nothing that looks finished. A later call with
 * the same shape and seed finds it and returns at once.
 */
public final class RandomCheckpoint {
    /** Written last into the directory; its content says which shape and seed produced the weights. */
    public static final String MARKER = "random-checkpoint.json";
    /** The seed of the default benchmark checkpoint ({@link #main} and {@code visionpangu bench}). */
    public static final long DEFAULT_SEED = 42;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RandomCheckpoint() {
    }

    /** The model's dimensions: the real ones ({@link #visionPangu()}) or small ones for tests. */
    public record Shape(
            int visionLayers, int visionHidden, int visionHeads, int visionMlp, int tileSize, int patchSize,
            int llmLayers, int llmHidden, int llmHeads, int llmKvHeads, int llmHeadDim, int llmFfn, int vocab,
            int maxDynamicPatch) {

        /** InternViT-300M (448 px tiles) → pixel shuffle ×0.5 → mlp1 → openPangu-Embedded-1B, separate lm_head. */
        public static Shape visionPangu() {
            return new Shape(24, 1024, 16, 4096, 448, 14, 26, 1536, 12, 6, 128, 6144, 153376, 12);
        }

        /** Same structure, a few thousand parameters: for tests. */
        public static Shape tiny() {
            return new Shape(2, 32, 2, 64, 56, 14, 2, 48, 4, 2, 12, 96, 300, 4);
        }

        /** Features per token after pixel shuffle ×0.5: 2×2 patches concatenated. */
        public int shuffledWidth() {
            return 4 * visionHidden;
        }

        public int patchesPerSide() {
            return tileSize / patchSize;
        }
    }

    /** How one tensor's values are drawn. */
    enum Init { MATRIX, NORM_WEIGHT, NORM_BIAS, LAYER_SCALE }

    /** One tensor of the checkpoint: name, shape and how to fill it. */
    record Spec(String name, long[] shape, Init init) {
        long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Every tensor, named as in an InternVL-native checkpoint. */
    static List<Spec> tensors(Shape s) {
        List<Spec> t = new ArrayList<>();
        long hv = s.visionHidden;
        long p = s.patchSize;
        long g = s.patchesPerSide();
        String e = "vision_model.embeddings.";
        t.add(new Spec(e + "class_embedding", new long[]{1, 1, hv}, Init.MATRIX));
        t.add(new Spec(e + "patch_embedding.weight", new long[]{hv, 3, p, p}, Init.MATRIX));
        t.add(new Spec(e + "patch_embedding.bias", new long[]{hv}, Init.MATRIX));
        t.add(new Spec(e + "position_embedding", new long[]{1, g * g + 1, hv}, Init.MATRIX));
        for (int i = 0; i < s.visionLayers; i++) {
            String l = "vision_model.encoder.layers." + i + ".";
            t.add(new Spec(l + "norm1.weight", new long[]{hv}, Init.NORM_WEIGHT));
            t.add(new Spec(l + "norm1.bias", new long[]{hv}, Init.NORM_BIAS));
            t.add(new Spec(l + "attn.qkv.weight", new long[]{3 * hv, hv}, Init.MATRIX));
            t.add(new Spec(l + "attn.qkv.bias", new long[]{3 * hv}, Init.MATRIX));
            t.add(new Spec(l + "attn.proj.weight", new long[]{hv, hv}, Init.MATRIX));
            t.add(new Spec(l + "attn.proj.bias", new long[]{hv}, Init.MATRIX));
            t.add(new Spec(l + "ls1", new long[]{hv}, Init.LAYER_SCALE));
            t.add(new Spec(l + "norm2.weight", new long[]{hv}, Init.NORM_WEIGHT));
            t.add(new Spec(l + "norm2.bias", new long[]{hv}, Init.NORM_BIAS));
            t.add(new Spec(l + "mlp.fc1.weight", new long[]{s.visionMlp, hv}, Init.MATRIX));
            t.add(new Spec(l + "mlp.fc1.bias", new long[]{s.visionMlp}, Init.MATRIX));
            t.add(new Spec(l + "mlp.fc2.weight", new long[]{hv, s.visionMlp}, Init.MATRIX));
            t.add(new Spec(l + "mlp.fc2.bias", new long[]{hv}, Init.MATRIX));
            t.add(new Spec(l + "ls2", new long[]{hv}, Init.LAYER_SCALE));
        }
        long ps = s.shuffledWidth();
        long h = s.llmHidden;
        t.add(new Spec("mlp1.0.weight", new long[]{ps}, Init.NORM_WEIGHT));
        t.add(new Spec("mlp1.0.bias", new long[]{ps}, Init.NORM_BIAS));
        t.add(new Spec("mlp1.1.weight", new long[]{h, ps}, Init.MATRIX));
        t.add(new Spec("mlp1.1.bias", new long[]{h}, Init.MATRIX));
        t.add(new Spec("mlp1.3.weight", new long[]{h, h}, Init.MATRIX));
        t.add(new Spec("mlp1.3.bias", new long[]{h}, Init.MATRIX));
        String m = "language_model.model.";
        long q = (long) s.llmHeads * s.llmHeadDim;
        long kv = (long) s.llmKvHeads * s.llmHeadDim;
        t.add(new Spec(m + "embed_tokens.weight", new long[]{s.vocab, h}, Init.MATRIX));
        for (int i = 0; i < s.llmLayers; i++) {
            String l = m + "layers." + i + ".";
            t.add(new Spec(l + "input_layernorm.weight", new long[]{h}, Init.NORM_WEIGHT));
            t.add(new Spec(l + "self_attn.q_proj.weight", new long[]{q, h}, Init.MATRIX));
            t.add(new Spec(l + "self_attn.q_proj.bias", new long[]{q}, Init.MATRIX));
            t.add(new Spec(l + "self_attn.k_proj.weight", new long[]{kv, h}, Init.MATRIX));
            t.add(new Spec(l + "self_attn.k_proj.bias", new long[]{kv}, Init.MATRIX));
            t.add(new Spec(l + "self_attn.v_proj.weight", new long[]{kv, h}, Init.MATRIX));
            t.add(new Spec(l + "self_attn.v_proj.bias", new long[]{kv}, Init.MATRIX));
            t.add(new Spec(l + "self_attn.o_proj.weight", new long[]{h, q}, Init.MATRIX));
            t.add(new Spec(l + "self_attn.o_proj.bias", new long[]{h}, Init.MATRIX));
            t.add(new Spec(l + "post_attention_layernorm.weight", new long[]{h}, Init.NORM_WEIGHT));
            t.add(new Spec(l + "mlp.gate_proj.weight", new long[]{s.llmFfn, h}, Init.MATRIX));
            t.add(new Spec(l + "mlp.up_proj.weight", new long[]{s.llmFfn, h}, Init.MATRIX));
            t.add(new Spec(l + "mlp.down_proj.weight", new long[]{h, s.llmFfn}, Init.MATRIX));
        }
        t.add(new Spec(m + "norm.weight", new long[]{h}, Init.NORM_WEIGHT));
        t.add(new Spec("language_model.lm_head.weight", new long[]{s.vocab, h}, Init.MATRIX));
        return t;
    }

    /** Total parameters of {@code shape} (without writing anything). */
    public static long parameterCount(Shape shape) {
        return tensors(shape).stream().mapToLong(Spec::numel).sum();
    }

    /** The config.json of {@code s}: InternVL-chat layout with nested vision_config and llm_config. */
    static ObjectNode config(Shape s) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("InternVLChatModel");
        root.put("model_type", "internvl_chat");
        root.put("template", "openpangu");
        root.put("downsample_ratio", 0.5);
        root.put("ps_version", "v2");
        root.put("select_layer", -1);
        root.put("force_image_size", s.tileSize);
        root.put("dynamic_image_size", true);
        root.put("min_dynamic_patch", 1);
        root.put("max_dynamic_patch", s.maxDynamicPatch);
        root.put("use_thumbnail", true);
        root.put("tie_word_embeddings", false);
        root.put("torch_dtype", "bfloat16");
        ObjectNode v = root.putObject("vision_config");
        v.putArray("architectures").add("InternVisionModel");
        v.put("model_type", "intern_vit_6b");
        v.put("hidden_size", s.visionHidden);
        v.put("intermediate_size", s.visionMlp);
        v.put("num_hidden_layers", s.visionLayers);
        v.put("num_attention_heads", s.visionHeads);
        v.put("image_size", s.tileSize);
        v.put("patch_size", s.patchSize);
        v.put("num_channels", 3);
        v.put("hidden_act", "gelu");
        v.put("norm_type", "layer_norm");
        v.put("layer_norm_eps", 1e-6);
        v.put("qkv_bias", true);
        v.put("qk_normalization", false);
        v.put("torch_dtype", "bfloat16");
        ObjectNode l = root.putObject("llm_config");
        l.putArray("architectures").add("PanguEmbeddedForCausalLM");
        l.put("model_type", "PanguEmbedded");
        l.put("hidden_size", s.llmHidden);
        l.put("intermediate_size", s.llmFfn);
        l.put("num_hidden_layers", s.llmLayers);
        l.put("num_attention_heads", s.llmHeads);
        l.put("num_key_value_heads", s.llmKvHeads);
        l.put("head_dim", s.llmHeadDim);
        l.put("vocab_size", s.vocab);
        l.put("hidden_act", "silu");
        l.put("rope_theta", 4_000_000.0);
        l.put("rms_norm_eps", 1e-5);
        l.put("bias", true);
        l.put("tie_word_embeddings", false);
        l.put("max_position_embeddings", 32768);
        l.put("bos_token_id", 1);
        l.put("eos_token_id", 45892);
        l.put("pad_token_id", 0);
        l.put("torch_dtype", "bfloat16");
        return root;
    }

    private static ObjectNode marker(Shape s, long seed) {
        ObjectNode m = JSON.valueToTree(s);
        m.put("seed", seed);
        m.put("dtype", "BF16");
        return m;
    }

    /**
     * {@code .bench-cache/visionpangu-random} under the repository ({@code visionpangu.home}, set by the
     * launcher; else the working directory), unless system property {@code visionpangu.bench.model} names
     * another directory.
     */
    public static Path defaultDirectory() {
        String explicit = System.getProperty("visionpangu.bench.model");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("visionpangu.home", ".")).resolve(".bench-cache").resolve("visionpangu-random");
    }

    /**
     * Makes sure {@code dir} holds the random checkpoint of {@code shape} and {@code seed}, writing it if absent,
     * and returns {@code dir}. A directory that exists with other parameters (or is not one of ours) is an error:
     * it is never deleted here.
     */
    public static Path ensure(Path dir, Shape shape, long seed) {
        ObjectNode want = marker(shape, seed);
        if (Files.exists(dir)) {
            checkExisting(dir, want);
            return dir;
        }
        Path tmp = null;
        try {
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, dir.getFileName() + ".partial-");
            JSON.writeValue(tmp.resolve("config.json").toFile(), config(shape));
            writeWeights(tmp.resolve("model.safetensors"), shape, seed);
            JSON.writeValue(tmp.resolve(MARKER).toFile(), want);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another process finished first; its result must be the same checkpoint.
                checkExisting(dir, want);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write random checkpoint to " + dir, e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static void checkExisting(Path dir, ObjectNode want) {
        Path marker = dir.resolve(MARKER);
        try {
            // Compared after a round trip through text, so that 7 written as a long equals 7 read back as an int.
            if (Files.isRegularFile(marker) && JSON.readTree(marker.toFile()).equals(JSON.readTree(want.toString()))
                    && Files.isRegularFile(dir.resolve("model.safetensors"))
                    && Files.isRegularFile(dir.resolve("config.json"))) {
                return;
            }
        } catch (IOException e) {
            // Unreadable marker: treated as a mismatch below.
        }
        throw new VisionPanguException(dir + " exists but is not the random checkpoint asked for (no or different "
                + MARKER + "); delete it or choose another directory");
    }

    private static void writeWeights(Path file, Shape shape, long seed) {
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt")
                .metadata("generator", "VisionPangu4J RandomCheckpoint, seed " + seed);
        for (Spec spec : tensors(shape)) {
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + spec.name.hashCode());
            w.add(spec.name, DType.BF16, spec.shape, SafeTensorsWriter.ofFloats(DType.BF16, i -> sample(spec.init, rnd)));
        }
        w.write(file);
    }

    /** Uniform on [−a, a] has standard deviation a/√3. */
    private static final float STD = 0.02f;
    private static final float HALF_WIDTH = (float) (STD * Math.sqrt(3));

    private static float sample(Init init, SplittableRandom rnd) {
        float u = (float) (2 * rnd.nextDouble() - 1); // uniform [−1, 1)
        return switch (init) {
            case MATRIX, NORM_BIAS -> HALF_WIDTH * u;
            case NORM_WEIGHT -> 1f + 0.05f * u;
            case LAYER_SCALE -> 0.1f + 0.01f * u;
        };
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: a leftover ".partial-" directory is harmless and clearly named.
                }
            });
        } catch (IOException ignored) {
            // Same.
        }
    }

    /** {@code RandomCheckpoint [DIR]}: writes (or finds) the full-size random checkpoint and prints its path. */
    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : defaultDirectory();
        long n = parameterCount(Shape.visionPangu());
        System.err.printf("random VisionPangu checkpoint (%,d parameters, %.2f GB BF16) in %s%n", n, 2.0 * n / 1e9, dir);
        System.out.println(ensure(dir, Shape.visionPangu(), DEFAULT_SEED).toAbsolutePath());
    }
}
