package org.visionpangu4j.bench;

import org.visionpangu4j.core.config.ModelConfig;
import org.visionpangu4j.core.config.VisionConfig;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.SafeTensorsWriter;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.kernels.Simd;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.vision.model.VisionModel;
import org.visionpangu4j.vision.model.VisionOptions;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Vision encode time for one 448×448 tile at the real InternViT-300M shape (24 layers, hidden 1024, 16 heads,
 * MLP 4096, 1025 tokens) plus pixel shuffle and the 4096 → 1536 → 1536 {@code mlp1}, with random BF16 weights:
 * seconds per tile per weight format and thread count (best of {@code --repeats}, after one warm-up encode).
 *
 * <pre>
 * VisionBench [--dir DIR] [--formats bf16,q8_0] [--threads 1,2] [--repeats 3] [--tiles 1]
 * </pre>
 * The random checkpoint (~0.6 GB) is written once to {@code DIR} (default {@code .bench-cache/internvit-300m-random})
 * and reused. A format the kernels do not support is reported as skipped, with the reason.
 */
public final class VisionBench {
    /** InternViT-300M-448px-V2.5 (architecture.md §2.1). */
    static final VisionConfig INTERNVIT_300M = new VisionConfig(1024, 4096, 24, 16, 14, 448, 3, 1e-6, "layer_norm",
            "gelu", true, false);
    /** The InternVL glue with OpenPangu-Embedded-1B as the LLM (§3, §4). */
    static final ModelConfig VISIONPANGU = new ModelConfig(INTERNVIT_300M, DecoderBench.PANGU_1B, 0.5, "v2", -1,
            "openpangu", 448, true, 1, 12, true);

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(".bench-cache", "internvit-300m-random");
        List<String> formats = List.of("bf16", "q8_0");
        int[] threads = {1, 2};
        int repeats = 3;
        int tiles = 1;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--dir" -> dir = Path.of(v);
                case "--formats" -> formats = List.of(v.split(","));
                case "--threads" -> threads = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--repeats" -> repeats = Integer.parseInt(v);
                case "--tiles" -> tiles = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--dir, --formats, --threads, --repeats, --tiles)");
            }
        }
        Path file = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(dir);
            long t0 = System.nanoTime();
            writeRandomVision(VISIONPANGU, file);
            System.out.printf("wrote %s (%.2f GB) in %.1f s%n", file, Files.size(file) / 1e9, (System.nanoTime() - t0) / 1e9);
        }
        PixelValues pv = randomTiles(tiles, 448);
        System.out.printf("JDK %s, %d cores, SIMD %s; %d tile(s) of 448 px, best of %d after 1 warm-up%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), Simd.describe(), tiles, repeats);
        System.out.println("format  threads  load_s  s/encode  s/tile");
        for (String f : formats) {
            WeightFormat format = WeightFormat.parse(f);
            try (Checkpoint ckpt = Checkpoint.open(file)) {
                long t0 = System.nanoTime();
                VisionModel vm;
                try {
                    vm = VisionModel.load(ckpt, VISIONPANGU,
                            format == WeightFormat.BF16 ? VisionOptions.asStored() : VisionOptions.all(format));
                } catch (UnsupportedOperationException e) {
                    System.out.printf("%-7s skipped: %s%n", f, e.getMessage());
                    continue;
                }
                double loadS = (System.nanoTime() - t0) / 1e9;
                for (int t : threads) {
                    try (WorkerPool pool = new WorkerPool(t)) {
                        vm.encode(pv, pool); // warm-up: JIT the kernels
                        double best = Double.MAX_VALUE;
                        for (int r = 0; r < repeats; r++) {
                            long s = System.nanoTime();
                            float[] out = vm.encode(pv, pool);
                            best = Math.min(best, (System.nanoTime() - s) / 1e9);
                            checkFinite(out);
                        }
                        System.out.printf("%-7s %7d  %6.1f  %8.2f  %6.2f%n", f, t, loadS, best, best / tiles);
                    }
                }
            }
        }
    }

    /** Normalised-looking pixel values in [−2, 2). */
    static PixelValues randomTiles(int tiles, int size) {
        float[] px = new float[tiles * 3 * size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = 2f * DecoderBench.uniform(0xC0FFEEL + i);
        }
        return new PixelValues(px, tiles, size, tiles, 1, false);
    }

    private static void checkFinite(float[] out) {
        for (float v : out) {
            if (!Float.isFinite(v)) {
                throw new IllegalStateException("vision encode produced a non-finite value");
            }
        }
    }

    /**
     * Writes the vision tower and mlp1 with InternVL-native names and the config's shapes, all BF16: matrices uniform
     * with std 0.02, norm weights 1, biases 0.01-scale, layer scales 0.1 (keeps the residual stream tame).
     */
    static void writeRandomVision(ModelConfig cfg, Path file) {
        VisionConfig v = cfg.vision();
        int d = v.hiddenSize();
        int ff = v.intermediateSize();
        int p = v.patchSize();
        int grid = v.gridSize();
        int shuffled = 4 * d;
        int llm = cfg.llm().hiddenSize();
        List<Object[]> specs = new ArrayList<>(); // name, shape, kind (0 matrix, 1 norm, 2 bias, 3 layer scale)
        String e = "vision_model.embeddings.";
        specs.add(new Object[] {e + "class_embedding", new long[] {1, 1, d}, 2});
        specs.add(new Object[] {e + "patch_embedding.weight", new long[] {d, 3, p, p}, 0});
        specs.add(new Object[] {e + "patch_embedding.bias", new long[] {d}, 2});
        specs.add(new Object[] {e + "position_embedding", new long[] {1, (long) grid * grid + 1, d}, 2});
        for (int l = 0; l < v.numLayers(); l++) {
            String n = "vision_model.encoder.layers." + l + ".";
            specs.add(new Object[] {n + "norm1.weight", new long[] {d}, 1});
            specs.add(new Object[] {n + "norm1.bias", new long[] {d}, 2});
            specs.add(new Object[] {n + "attn.qkv.weight", new long[] {3L * d, d}, 0});
            specs.add(new Object[] {n + "attn.qkv.bias", new long[] {3L * d}, 2});
            specs.add(new Object[] {n + "attn.proj.weight", new long[] {d, d}, 0});
            specs.add(new Object[] {n + "attn.proj.bias", new long[] {d}, 2});
            specs.add(new Object[] {n + "ls1", new long[] {d}, 3});
            specs.add(new Object[] {n + "norm2.weight", new long[] {d}, 1});
            specs.add(new Object[] {n + "norm2.bias", new long[] {d}, 2});
            specs.add(new Object[] {n + "mlp.fc1.weight", new long[] {ff, d}, 0});
            specs.add(new Object[] {n + "mlp.fc1.bias", new long[] {ff}, 2});
            specs.add(new Object[] {n + "mlp.fc2.weight", new long[] {d, ff}, 0});
            specs.add(new Object[] {n + "mlp.fc2.bias", new long[] {d}, 2});
            specs.add(new Object[] {n + "ls2", new long[] {d}, 3});
        }
        specs.add(new Object[] {"mlp1.0.weight", new long[] {shuffled}, 1});
        specs.add(new Object[] {"mlp1.0.bias", new long[] {shuffled}, 2});
        specs.add(new Object[] {"mlp1.1.weight", new long[] {llm, shuffled}, 0});
        specs.add(new Object[] {"mlp1.1.bias", new long[] {llm}, 2});
        specs.add(new Object[] {"mlp1.3.weight", new long[] {llm, llm}, 0});
        specs.add(new Object[] {"mlp1.3.bias", new long[] {llm}, 2});
        SafeTensorsWriter w = new SafeTensorsWriter();
        long seed = 0x71AL;
        for (Object[] s : specs) {
            long salt = seed++ * 0x9E3779B97F4A7C15L;
            int kind = (Integer) s[2];
            SafeTensorsWriter.TensorBytes bytes = switch (kind) {
                case 0 -> SafeTensorsWriter.ofFloats(DType.BF16, i -> 0.02f * (float) Math.sqrt(3) * DecoderBench.uniform(salt + i));
                case 1 -> SafeTensorsWriter.ofFloats(DType.BF16, i -> 1f);
                case 3 -> SafeTensorsWriter.ofFloats(DType.BF16, i -> 0.1f);
                default -> SafeTensorsWriter.ofFloats(DType.BF16, i -> 0.01f * DecoderBench.uniform(salt + i));
            };
            w.add((String) s[0], DType.BF16, (long[]) s[1], bytes);
        }
        w.write(file);
    }

    private VisionBench() {
    }
}
