package org.visionpangu4j.bench;

import org.visionpangu4j.bench.e2e.RandomCheckpoint;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.model.MultimodalModel;
import org.visionpangu4j.kernels.Simd;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.vision.model.VisionModel;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Vision encode time at the real InternViT-300M shape (24 layers, hidden 1024, 16 heads, MLP 4096; a 448 tile is
 * 1025 tokens) plus pixel shuffle and the 4096 → 1536 → 1536 {@code mlp1}, with random BF16 weights: seconds per
 * tile per weight format and thread count, best of {@code --repeats} after one warm-up encode. Next to wall time it
 * prints the process CPU seconds of that encode: on a shared, loaded machine wall time includes waiting for a core,
 * while CPU seconds (÷ threads) estimate the time on idle cores.
 *
 * <pre>
 * VisionBench [--dir DIR] [--formats bf16,q8_0] [--threads 1,2] [--repeats 3] [--tiles 1]
 * </pre>
 * The weights are the vision tower and projector of {@link RandomCheckpoint}'s real-shape checkpoint, written once
 * to {@code DIR} (default {@link RandomCheckpoint#defaultDirectory()}, shared with the other benchmarks) and reused.
 * A format the kernels do not support is reported as skipped, with the reason.
 */
public final class VisionBench {
    public static void main(String[] args) throws Exception {
        Path dir = RandomCheckpoint.defaultDirectory();
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
        boolean existed = Files.isRegularFile(dir.resolve(RandomCheckpoint.MARKER));
        long t0 = System.nanoTime();
        RandomCheckpoint.ensure(dir, RandomCheckpoint.Shape.visionPangu(), RandomCheckpoint.DEFAULT_SEED);
        if (!existed) {
            System.out.printf("wrote %s in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
        }
        int tileSize = RandomCheckpoint.Shape.visionPangu().tileSize();
        PixelValues pv = randomTiles(tiles, tileSize);
        System.out.printf("JDK %s, %d cores, SIMD %s; %d tile(s) of %d px, best of %d after 1 warm-up%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), Simd.describe(), tiles, tileSize,
                repeats);
        System.out.println("format  threads  load_s  s/encode  s/tile  cpu_s/tile");
        for (String f : formats) {
            WeightFormat format = WeightFormat.parse(f);
            long l0 = System.nanoTime();
            MultimodalModel model;
            try {
                model = MultimodalModel.load(dir, new MultimodalModel.LoadSettings(threads[threads.length - 1], null,
                        format == WeightFormat.BF16 ? null : format, EngineOptions.Residency.MAPPED, 0), m -> { });
            } catch (UnsupportedOperationException | org.visionpangu4j.core.VisionPanguException e) {
                System.out.printf("%-7s skipped: %s%n", f, e.getMessage());
                continue;
            }
            try (model) {
                VisionModel vm = model.vision();
                double loadS = (System.nanoTime() - l0) / 1e9;
                for (int t : threads) {
                    try (WorkerPool pool = new WorkerPool(t)) {
                        vm.encode(pv, pool); // warm-up: JIT the kernels
                        double best = Double.MAX_VALUE;
                        double bestCpu = Double.MAX_VALUE;
                        for (int r = 0; r < repeats; r++) {
                            long c = cpuNanos();
                            long s = System.nanoTime();
                            float[] out = vm.encode(pv, pool);
                            best = Math.min(best, (System.nanoTime() - s) / 1e9);
                            bestCpu = Math.min(bestCpu, (cpuNanos() - c) / 1e9);
                            checkFinite(out);
                        }
                        System.out.printf("%-7s %7d  %6.1f  %8.2f  %6.2f  %10.2f%n", f, t, loadS, best, best / tiles,
                                bestCpu / tiles);
                    }
                }
            }
        }
    }

    /** Normalised-looking pixel values, uniform in [−2, 2). */
    static PixelValues randomTiles(int tiles, int size) {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] px = new float[tiles * 3 * size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (4 * rnd.nextDouble() - 2);
        }
        return new PixelValues(px, tiles, size, tiles, 1, false);
    }

    /** CPU time of the whole process (all threads), or 0 where the platform does not report it. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static void checkFinite(float[] out) {
        for (float v : out) {
            if (!Float.isFinite(v)) {
                throw new IllegalStateException("vision encode produced a non-finite value");
            }
        }
    }

    private VisionBench() {
    }
}
