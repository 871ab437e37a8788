package org.visionpangu4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * F32 weights, row-major little-endian, viewed in place: W[r, c] at byte 4·(r·cols + c).
 * GEMV runs four rows per pass with two accumulators each (eight FMA chains hide the FMA latency).
 */
public final class F32Matrix extends WeightMatrix {
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();
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

    private FloatVector w(long rowByte, int c) {
        return FloatVector.fromMemorySegment(F, data, rowByte + 4L * c, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    void decode(int r, int c0, int len, float[] out, int outOff) {
        long row = 4L * r * cols;
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
        long row = 4L * r * cols;
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
        for (; r + 4 <= r1; r += 4) {
            dot4(r, x, xOff, bias, y, yOff, accumulate);
        }
        for (; r < r1; r++) {
            put(y, yOff + r, dotRow(r, x, xOff), bias, r, accumulate);
        }
    }

    // W[r..r+4, :] · x → y[r..r+4]: each x vector is loaded once for four rows.
    private void dot4(int r, float[] x, int xOff, float[] bias, float[] y, int yOff, boolean accumulate) {
        long w0 = 4L * r * cols, w1 = w0 + 4L * cols, w2 = w1 + 4L * cols, w3 = w2 + 4L * cols;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int c = 0;
        for (int upper = cols - 2 * L; c <= upper; c += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + c);
            FloatVector x1 = FloatVector.fromArray(F, x, xOff + c + L);
            a0 = w(w0, c).fma(x0, a0);
            b0 = w(w0, c + L).fma(x1, b0);
            a1 = w(w1, c).fma(x0, a1);
            b1 = w(w1, c + L).fma(x1, b1);
            a2 = w(w2, c).fma(x0, a2);
            b2 = w(w2, c + L).fma(x1, b2);
            a3 = w(w3, c).fma(x0, a3);
            b3 = w(w3, c + L).fma(x1, b3);
        }
        if (c <= cols - L) {
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + c);
            a0 = w(w0, c).fma(x0, a0);
            a1 = w(w1, c).fma(x0, a1);
            a2 = w(w2, c).fma(x0, a2);
            a3 = w(w3, c).fma(x0, a3);
            c += L;
        }
        float s0 = a0.add(b0).reduceLanes(VectorOperators.ADD);
        float s1 = a1.add(b1).reduceLanes(VectorOperators.ADD);
        float s2 = a2.add(b2).reduceLanes(VectorOperators.ADD);
        float s3 = a3.add(b3).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float xc = x[xOff + c];
            s0 += get(r, c) * xc;
            s1 += get(r + 1, c) * xc;
            s2 += get(r + 2, c) * xc;
            s3 += get(r + 3, c) * xc;
        }
        put(y, yOff + r, s0, bias, r, accumulate);
        put(y, yOff + r + 1, s1, bias, r + 1, accumulate);
        put(y, yOff + r + 2, s2, bias, r + 2, accumulate);
        put(y, yOff + r + 3, s3, bias, r + 3, accumulate);
    }
}
