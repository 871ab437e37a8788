package org.visionpangu4j.bench;

import org.visionpangu4j.core.config.LlmConfig;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.SafeTensorsWriter;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.kernels.KvCache;
import org.visionpangu4j.kernels.Simd;
import org.visionpangu4j.kernels.VectorMath;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.llm.model.Decoder;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.llm.model.SessionOptions;
import org.visionpangu4j.llm.model.WeightFormats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decoder throughput at the real OpenPangu-Embedded-1B shape (26 layers, hidden 1536, 12/6 heads, SwiGLU 6144,
 * vocab 153 376, tied head) with random BF16 weights: prefill tokens/s (one batch of {@code --prompt} tokens) and
 * decode tokens/s (greedy, one token at a time through the KV cache) per weight format and thread count.
 *
 * <pre>
 * DecoderBench [--dir DIR] [--formats bf16,q8_0,q4_0] [--threads 1,2] [--prompt 128] [--tokens 32] [--repeats 3]
 * </pre>
 * The random checkpoint (2.3 GB) is written once to {@code DIR} (default {@code .bench-cache/openpangu-1b-random})
 * and reused. A format the kernels do not support yet is reported as skipped, with the reason.
 */
public final class DecoderBench {
    /** OpenPangu-Embedded-1B (architecture.md §1.1). */
    static final LlmConfig PANGU_1B = new LlmConfig(1536, 6144, 26, 12, 6, 128, 153376, 4_000_000.0, 1e-5, true, true,
            1, 45892, 0, 32768);

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(".bench-cache", "openpangu-1b-random");
        List<String> formats = List.of("bf16", "q8_0", "q4_0");
        int[] threads = {1, 2};
        int prompt = 128;
        int tokens = 32;
        int repeats = 3;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--dir" -> dir = Path.of(v);
                case "--formats" -> formats = List.of(v.split(","));
                case "--threads" -> threads = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--prompt" -> prompt = Integer.parseInt(v);
                case "--tokens" -> tokens = Integer.parseInt(v);
                case "--repeats" -> repeats = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--dir, --formats, --threads, --prompt, --tokens, --repeats)");
            }
        }
        Path file = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(dir);
            long t0 = System.nanoTime();
            writeRandomDecoder(PANGU_1B, file);
            System.out.printf("wrote %s (%.1f GB) in %.1f s%n", file, Files.size(file) / 1e9, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("JDK %s, %d cores, SIMD %s; prompt %d tokens, decode %d tokens, best of %d%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), Simd.describe(), prompt, tokens, repeats);
        System.out.println("format  threads  load_s  weights_GB  prefill_tok/s  decode_tok/s");
        for (String f : formats) {
            WeightFormat format = WeightFormat.parse(f);
            try (Checkpoint ckpt = Checkpoint.open(file)) {
                long t0 = System.nanoTime();
                Decoder decoder;
                try {
                    decoder = Decoder.load(ckpt, PANGU_1B,
                            format == WeightFormat.BF16 ? WeightFormats.asStored() : WeightFormats.all(format));
                } catch (UnsupportedOperationException e) {
                    System.out.printf("%-7s skipped: %s%n", f, e.getMessage());
                    continue;
                }
                double loadS = (System.nanoTime() - t0) / 1e9;
                for (int t : threads) {
                    try (WorkerPool pool = new WorkerPool(t)) {
                        run(decoder, pool, 16, 4); // warm-up: JIT the kernels
                        double bestPrefill = 0;
                        double bestDecode = 0;
                        for (int r = 0; r < repeats; r++) {
                            double[] tps = run(decoder, pool, prompt, tokens);
                            bestPrefill = Math.max(bestPrefill, tps[0]);
                            bestDecode = Math.max(bestDecode, tps[1]);
                        }
                        System.out.printf("%-7s %7d  %6.1f  %10.2f  %13.1f  %12.2f%n", f, t, loadS,
                                decoder.weights().byteSize() / 1e9, bestPrefill, bestDecode);
                    }
                }
            }
        }
    }

    /** One prefill of {@code prompt} random ids, then {@code tokens} greedy decode steps: {prefill t/s, decode t/s}. */
    static double[] run(Decoder decoder, WorkerPool pool, int prompt, int tokens) {
        Session s = decoder.newSession(pool, new SessionOptions(prompt + tokens + 1, KvCache.Type.F32,
                SessionOptions.DEFAULT_PREFILL_CHUNK));
        SplittableRandom rnd = new SplittableRandom(prompt);
        int[] ids = new int[prompt];
        for (int i = 0; i < prompt; i++) {
            ids[i] = rnd.nextInt(decoder.vocabSize());
        }
        long t0 = System.nanoTime();
        float[] logits = s.prefill(ids);
        long t1 = System.nanoTime();
        for (int i = 0; i < tokens; i++) {
            logits = s.decode(VectorMath.argmax(logits, 0, decoder.vocabSize()));
        }
        long t2 = System.nanoTime();
        return new double[] {prompt / ((t1 - t0) / 1e9), tokens / ((t2 - t1) / 1e9)};
    }

    /**
     * Writes a plain openPangu checkpoint ({@code model.*}, tied head) with the config's shapes: matrices
     * uniform with std 0.02 (the usual init), norm weights 1, biases 0.01-scale, all BF16.
     */
    static void writeRandomDecoder(LlmConfig c, Path file) {
        int h = c.hiddenSize();
        int ff = c.intermediateSize();
        List<Object[]> specs = new ArrayList<>(); // name, shape, kind (0 matrix, 1 norm, 2 bias)
        specs.add(new Object[] {"model.embed_tokens.weight", new long[] {c.vocabSize(), h}, 0});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            specs.add(new Object[] {p + "input_layernorm.weight", new long[] {h}, 1});
            specs.add(new Object[] {p + "self_attn.q_proj.weight", new long[] {c.qDim(), h}, 0});
            specs.add(new Object[] {p + "self_attn.q_proj.bias", new long[] {c.qDim()}, 2});
            specs.add(new Object[] {p + "self_attn.k_proj.weight", new long[] {c.kvDim(), h}, 0});
            specs.add(new Object[] {p + "self_attn.k_proj.bias", new long[] {c.kvDim()}, 2});
            specs.add(new Object[] {p + "self_attn.v_proj.weight", new long[] {c.kvDim(), h}, 0});
            specs.add(new Object[] {p + "self_attn.v_proj.bias", new long[] {c.kvDim()}, 2});
            specs.add(new Object[] {p + "self_attn.o_proj.weight", new long[] {h, c.qDim()}, 0});
            specs.add(new Object[] {p + "self_attn.o_proj.bias", new long[] {h}, 2});
            specs.add(new Object[] {p + "post_attention_layernorm.weight", new long[] {h}, 1});
            specs.add(new Object[] {p + "mlp.gate_proj.weight", new long[] {ff, h}, 0});
            specs.add(new Object[] {p + "mlp.up_proj.weight", new long[] {ff, h}, 0});
            specs.add(new Object[] {p + "mlp.down_proj.weight", new long[] {h, ff}, 0});
        }
        specs.add(new Object[] {"model.norm.weight", new long[] {h}, 1});
        SafeTensorsWriter w = new SafeTensorsWriter();
        long seed = 0x5EED;
        for (Object[] s : specs) {
            long salt = seed++ * 0x9E3779B97F4A7C15L;
            int kind = (Integer) s[2];
            float amp = kind == 0 ? 0.02f * (float) Math.sqrt(3) : 0.01f;
            w.add((String) s[0], DType.BF16, (long[]) s[1], kind == 1
                    ? SafeTensorsWriter.ofFloats(DType.BF16, i -> 1f)
                    : SafeTensorsWriter.ofFloats(DType.BF16, i -> amp * uniform(salt + i)));
        }
        w.write(file);
    }

    /** A hash of {@code x} (SplitMix64 finaliser) mapped to [−1, 1). */
    static float uniform(long x) {
        long z = x * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        z ^= z >>> 29;
        return (z >>> 40) * 0x1p-23f - 1f;
    }

    private DecoderBench() {
    }
}
