package org.visionpangu4j.kernels;

import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Converts a matrix to F32, BF16 or F16 (round to nearest even) into a new off-heap segment, rows in parallel. */
final class DenseConvert {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private DenseConvert() {
    }

    static WeightMatrix convert(WeightMatrix src, WeightFormat format, Arena arena, WorkerPool pool) {
        DType dtype = switch (format) {
            case F32 -> DType.F32;
            case BF16 -> DType.BF16;
            case F16 -> DType.F16;
            default -> throw new IllegalArgumentException(format + " is not a dense format");
        };
        int rows = src.rows();
        int cols = src.cols();
        MemorySegment out = arena.allocate((long) rows * cols * dtype.byteSize(), 64);
        pool.parallelFor(0, rows, 16, (r0, r1) -> {
            float[] row = new float[cols];
            for (int r = r0; r < r1; r++) {
                src.decode(r, 0, cols, row, 0);
                long base = (long) r * cols;
                for (int c = 0; c < cols; c++) {
                    switch (dtype) {
                        case F32 -> out.setAtIndex(FLOAT_LE, base + c, row[c]);
                        case BF16 -> out.setAtIndex(SHORT_LE, base + c, Numerics.floatToBf16(row[c]));
                        default -> out.setAtIndex(SHORT_LE, base + c, Numerics.floatToF16(row[c]));
                    }
                }
            }
        });
        return WeightMatrix.wrap(new Tensor(src.name(), dtype, new long[] {rows, cols}, out));
    }
}
