package org.visionpangu4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * F16 (IEEE half) weights, row-major little-endian, viewed in place: W[r, c] at byte 2·(r·cols + c). Widened to
 * F32 (exact, see {@link Widen#f16}) for FMA. GEMV runs two rows per pass.
 */
public final class F16Matrix extends WeightMatrix {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();
    private final MemorySegment data;

    F16Matrix(Tensor t) {
        super(t.name(), (int) t.dim(0), (int) t.dim(1));
        this.data = t.data();
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.F16;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float get(int r, int c) {
        return Numerics.f16ToFloat(data.getAtIndex(LE, (long) r * cols + c));
    }

    private FloatVector w(long rowByte, int c) {
        return Widen.f16(data, rowByte + 2L * c);
    }

    @Override
    void decode(int r, int c0, int len, float[] out, int outOff) {
        long row = 2L * r * cols;
        int c = 0;
        for (int upper = F.loopBound(len); c < upper; c += L) {
            w(row, c0 + c).intoArray(out, outOff + c);
        }
        for (; c < len; c++) {
            out[outOff + c] = get(r, c0 + c);
        }
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long row = 2L * r * cols;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int c = 0;
        for (int upper = cols - 2 * L; c <= upper; c += 2 * L) {
            a0 = w(row, c).fma(FloatVector.fromArray(F, x, xOff + c), a0);
            a1 = w(row, c + L).fma(FloatVector.fromArray(F, x, xOff + c + L), a1);
        }
        if (c <= cols - L) {
            a0 = w(row, c).fma(FloatVector.fromArray(F, x, xOff + c), a0);
            c += L;
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            s += get(r, c) * x[xOff + c];
        }
        return s;
    }

    @Override
    void gemvRows(int r0, int r1, float[] x, int xOff, float[] bias, float[] y, int yOff, boolean accumulate) {
        int r = r0;
        for (; r + 2 <= r1; r += 2) {
            dot2(r, x, xOff, bias, y, yOff, accumulate);
        }
        for (; r < r1; r++) {
            put(y, yOff + r, dotRow(r, x, xOff), bias, r, accumulate);
        }
    }

    // W[r..r+2, :] · x → y[r..r+2]. Two rows, one vector each per step: the half → float widening inlines so much
    // code that more rows per pass exceed C2's inlining budget (and then every vector is boxed).
    private void dot2(int r, float[] x, int xOff, float[] bias, float[] y, int yOff, boolean accumulate) {
        long w0 = 2L * r * cols, w1 = w0 + 2L * cols;
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int c = 0;
        for (int upper = F.loopBound(cols); c < upper; c += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + c);
            a0 = w(w0, c).fma(xv, a0);
            a1 = w(w1, c).fma(xv, a1);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float xc = x[xOff + c];
            s0 += get(r, c) * xc;
            s1 += get(r + 1, c) * xc;
        }
        put(y, yOff + r, s0, bias, r, accumulate);
        put(y, yOff + r + 1, s1, bias, r + 1, accumulate);
    }
}
