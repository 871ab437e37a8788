package org.visionpangu4j.bench;

import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.kernels.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Random off-heap weights for benchmarks, filled in parallel (the lm_head shape has 235M elements). */
final class BenchData {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BenchData() {
    }

    /** A rows × cols tensor of small random values (|x| ≤ 0.05, like trained weights), F32 or BF16 or F16. */
    static Tensor tensor(Arena arena, WorkerPool pool, DType dtype, int rows, int cols) {
        MemorySegment seg = arena.allocate((long) rows * cols * dtype.byteSize(), 64);
        pool.parallelFor(0, rows, 64, (r0, r1) -> {
            SplittableRandom rnd = new SplittableRandom(r0);
            for (long i = (long) r0 * cols; i < (long) r1 * cols; i++) {
                float v = (float) (rnd.nextDouble() - 0.5) * 0.1f;
                switch (dtype) {
                    case F32 -> seg.setAtIndex(FLOAT_LE, i, v);
                    case BF16 -> seg.setAtIndex(SHORT_LE, i, Numerics.floatToBf16(v));
                    default -> seg.setAtIndex(SHORT_LE, i, Numerics.floatToF16(v));
                }
            }
        });
        return new Tensor("w" + rows + "x" + cols, dtype, new long[] {rows, cols}, seg);
    }

    /** A rows × cols matrix in {@code format}: F32/F16 stored as such, BF16 and the quantized ones from BF16. */
    static WeightMatrix matrix(Arena arena, WorkerPool pool, WeightFormat format, int rows, int cols) {
        DType stored = switch (format) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            default -> DType.BF16;
        };
        return WeightMatrix.of(tensor(arena, pool, stored, rows, cols), format, arena, pool);
    }

    static float[] vector(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** "1536x6144" → {1536, 6144}. */
    static int[] dims(String shape) {
        String[] p = shape.split("x");
        int[] d = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = Integer.parseInt(p[i]);
        }
        return d;
    }
}
