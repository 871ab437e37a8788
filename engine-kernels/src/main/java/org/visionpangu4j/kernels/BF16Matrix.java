package org.visionpangu4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * BF16 weights, row-major little-endian, viewed in place: W[r, c] at byte 2·(r·cols + c). Widened to F32
 * (exact: shift into the top half of the float) for FMA. GEMV runs four rows per pass, reading each full vector of
 * weights as int lanes of bf16 pairs (see {@link #dot4}).
 */
public final class BF16Matrix extends WeightMatrix {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();
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

    private FloatVector w(long rowByte, int c) {
        return Widen.bf16(data, rowByte + 2L * c);
    }

    @Override
    void decode(int r, int c0, int len, float[] out, int outOff) {
        decode(r, c0, len, out, outOff, Widen.shortScratch(len));
    }

    @Override
    void decodeRows(int r0, int n, int c0, int len, float[] out, int outOff, int ld) {
        short[] h = Widen.shortScratch(len);
        for (int i = 0; i < n; i++) {
            decode(r0 + i, c0, len, out, outOff + i * ld, h);
        }
    }

    // One bulk copy to the heap scratch h, then widening loads from the array: cheaper than a slice per call (a
    // mapped segment's slice is allocated) or loads at computed offsets into the whole mapping (checks per load).
    private void decode(int r, int c0, int len, float[] out, int outOff, short[] h) {
        MemorySegment.copy(data, LE, 2L * ((long) r * cols + c0), h, 0, len);
        int c = 0;
        for (int upper = F.loopBound(len); c < upper; c += L) {
            Widen.bf16(h, c).intoArray(out, outOff + c);
        }
        for (; c < len; c++) {
            out[outOff + c] = Numerics.bf16ToFloat(h[c]);
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
        if (r + 4 <= r1) {
            int pairs = cols / 2;
            float[] xs = Widen.scratch(2 * pairs + L);
            deinterleave(x, xOff, pairs, xs);
            for (; r + 4 <= r1; r += 4) {
                dot4(r, xs, pairs, x, xOff, bias, y, yOff, accumulate);
            }
        }
        for (; r < r1; r++) {
            put(y, yOff + r, dotRow(r, x, xOff), bias, r, accumulate);
        }
    }

    // x[2j] → xs[j], x[2j+1] → xs[pairs + j] for j < pairs: the activations in the order of the pair lanes below.
    private static void deinterleave(float[] x, int xOff, int pairs, float[] xs) {
        for (int j = 0; j < pairs; j++) {
            xs[j] = x[xOff + 2 * j];
            xs[pairs + j] = x[xOff + 2 * j + 1];
        }
    }

    /**
     * Row r as its own segment. Loads at an offset inside a slice that the loop does not change let C2 hoist the
     * segment bounds checks out of the loop; at offsets computed from a row base they cost ~20 scalar instructions
     * per vector load (seen in the JIT's assembly), which made GEMV instruction-bound.
     */
    private MemorySegment row(int r) {
        return data.asSlice(2L * r * cols, 2L * cols);
    }

    /** L int lanes at byte offset {@code off}, each holding the pair W[r, 2j] (low half) and W[r, 2j+1] (high half). */
    private static IntVector pairs(MemorySegment row, long off) {
        return IntVector.fromMemorySegment(Widen.I, row, off, Widen.LE);
    }

    /** The even elements of the pairs, as floats: the low half shifted into the top. */
    private static FloatVector even(IntVector p) {
        return p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** The odd elements of the pairs, as floats: the high half with the low half cleared. */
    private static FloatVector odd(IntVector p) {
        return p.and(0xFFFF0000).reinterpretAsFloats();
    }

    /**
     * W[r..r+4, :] · x → y[r..r+4]. Each load takes a full vector of weight bytes as L int lanes of two bf16 each
     * (one load, a shift and a mask per 2L weights, against two half-width loads and two widening conversions):
     * the even elements multiply xs[0 .. pairs), the odd ones xs[pairs ..), each x vector loaded once for four rows.
     * Elements past the last whole vector of pairs (and an odd last column) are added in the scalar tail.
     */
    private void dot4(int r, float[] xs, int pairs, float[] x, int xOff, float[] bias, float[] y, int yOff,
                      boolean accumulate) {
        MemorySegment m0 = row(r), m1 = row(r + 1), m2 = row(r + 2), m3 = row(r + 3);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int j = 0;
        for (int upper = F.loopBound(pairs); j < upper; j += L) {
            FloatVector xe = FloatVector.fromArray(F, xs, j);
            FloatVector xo = FloatVector.fromArray(F, xs, pairs + j);
            long o = 4L * j;
            IntVector p = pairs(m0, o);
            a0 = even(p).fma(xe, a0);
            b0 = odd(p).fma(xo, b0);
            p = pairs(m1, o);
            a1 = even(p).fma(xe, a1);
            b1 = odd(p).fma(xo, b1);
            p = pairs(m2, o);
            a2 = even(p).fma(xe, a2);
            b2 = odd(p).fma(xo, b2);
            p = pairs(m3, o);
            a3 = even(p).fma(xe, a3);
            b3 = odd(p).fma(xo, b3);
        }
        float s0 = a0.add(b0).reduceLanes(VectorOperators.ADD);
        float s1 = a1.add(b1).reduceLanes(VectorOperators.ADD);
        float s2 = a2.add(b2).reduceLanes(VectorOperators.ADD);
        float s3 = a3.add(b3).reduceLanes(VectorOperators.ADD);
        for (int c = 2 * j; c < cols; c++) {
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
