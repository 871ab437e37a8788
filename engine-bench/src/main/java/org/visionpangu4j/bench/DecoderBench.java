package org.visionpangu4j.bench;

import org.visionpangu4j.bench.e2e.RandomCheckpoint;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.model.MultimodalModel;
import org.visionpangu4j.kernels.KvCache;
import org.visionpangu4j.kernels.Simd;
import org.visionpangu4j.kernels.VectorMath;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.llm.model.Decoder;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.llm.model.SessionOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decoder throughput at the real OpenPangu-Embedded-1B shape (26 layers, hidden 1536, 12/6 heads, SwiGLU 6144,
 * vocab 153 376, separate LM head as in VisionPangu) with random BF16 weights: prefill tokens/s (one batch of
 * {@code --prompt} tokens) and decode tokens/s (greedy, one token at a time through the KV cache) per weight format
 * and thread count, best of {@code --repeats}. For the whole model (load, memory, vision, mean ± sd) use
 * {@link EndToEndBench}.
 *
 * <pre>
 * DecoderBench [--dir DIR] [--formats bf16,q8_0,q4_0] [--threads 1,2] [--prompt 128] [--tokens 32] [--repeats 3]
 * </pre>
 * The weights are the decoder of {@link RandomCheckpoint}'s real-shape checkpoint, written once to {@code DIR}
 * (default {@link RandomCheckpoint#defaultDirectory()}, shared with {@code visionpangu bench}) and reused. A format
 * the kernels do not support yet is reported as skipped, with the reason.
 */
public final class DecoderBench {
    public static void main(String[] args) throws Exception {
        Path dir = RandomCheckpoint.defaultDirectory();
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
        boolean existed = Files.isRegularFile(dir.resolve(RandomCheckpoint.MARKER));
        long t0 = System.nanoTime();
        RandomCheckpoint.ensure(dir, RandomCheckpoint.Shape.visionPangu(), RandomCheckpoint.DEFAULT_SEED);
        if (!existed) {
            System.out.printf("wrote %s in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("JDK %s, %d cores, SIMD %s; prompt %d tokens, decode %d tokens, best of %d%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), Simd.describe(), prompt, tokens, repeats);
        System.out.println("format  threads  load_s  weights_GB  prefill_tok/s  decode_tok/s");
        for (String f : formats) {
            WeightFormat format = WeightFormat.parse(f);
            long l0 = System.nanoTime();
            MultimodalModel model;
            try {
                model = MultimodalModel.load(dir, new MultimodalModel.LoadSettings(threads[threads.length - 1],
                        format == WeightFormat.BF16 ? null : format, null, EngineOptions.Residency.MAPPED, 0), m -> { });
            } catch (UnsupportedOperationException | org.visionpangu4j.core.VisionPanguException e) {
                System.out.printf("%-7s skipped: %s%n", f, e.getMessage());
                continue;
            }
            try (model) {
                Decoder decoder = model.decoder();
                double loadS = (System.nanoTime() - l0) / 1e9;
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

    private DecoderBench() {
    }
}
