package org.visionpangu4j.kernels;

import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** BF16 weights, row-major little-endian, viewed in place; widened to F32 (exact) for FMA. */
public final class BF16Matrix extends WeightMatrix {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment data;

    BF16Matrix(Tensor t) {
        super(t.name(), (int) t.dim(0), (int) t.dim(1));
        this.data = t.data();
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.BF16;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float get(int r, int c) {
        return Numerics.bf16ToFloat(data.getAtIndex(LE, (long) r * cols + c));
    }

    @Override
    public float dot(int r, float[] x, int xOff) {
        // Scalar first version; the vector kernel replaces this.
        float sum = 0f;
        long base = (long) r * cols;
        for (int c = 0; c < cols; c++) {
            sum += Numerics.bf16ToFloat(data.getAtIndex(LE, base + c)) * x[xOff + c];
        }
        return sum;
    }
}
