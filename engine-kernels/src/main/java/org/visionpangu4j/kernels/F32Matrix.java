package org.visionpangu4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** F32 weights, row-major little-endian, viewed in place. */
public final class F32Matrix extends WeightMatrix {
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Float> S = Simd.F;
    private final MemorySegment data;

    F32Matrix(Tensor t) {
        super(t.name(), (int) t.dim(0), (int) t.dim(1));
        this.data = t.data();
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.F32;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float get(int r, int c) {
        return data.getAtIndex(LE, (long) r * cols + c);
    }

    @Override
    public float dot(int r, float[] x, int xOff) {
        long base = (long) r * cols * 4;
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        int upper = S.loopBound(cols);
        for (; c < upper; c += S.length()) {
            FloatVector w = FloatVector.fromMemorySegment(S, data, base + c * 4L, ByteOrder.LITTLE_ENDIAN);
            acc = w.fma(FloatVector.fromArray(S, x, xOff + c), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            sum += get(r, c) * x[xOff + c];
        }
        return sum;
    }
}
