package org.visionpangu4j.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.parallel.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Q8_0 weights quantized at load with ggml's numerics: for each block of 32 consecutive elements of a row,
 * d = max|x| / 127, q = roundf(x · (1/d)) ∈ [−127, 127] (half away from zero), value = q · d₁₆ where d₁₆ is d
 * rounded to F16 (the scale is stored as F16, exactly as ggml stores it, so dequantized values match ggml bit for bit).
 *
 * <p>Layout, two off-heap regions from the Arena given to {@link WeightMatrix#of}, nb = ⌈cols/32⌉ blocks per row:
 * <ul>
 *   <li>quants: int8 [rows][nb][32], row-major: element (r, c) at byte r·nb·32 + c;</li>
 *   <li>scales: F16 [rows][nb]: block (r, b) at byte 2·(r·nb + b).</li>
 * </ul>
 * Keeping the scales apart keeps every quant load 32-byte aligned and lets a block's 32 quants be read with whole
 * vector loads. A short last block is zero-padded (its pad quants are 0); kernels never read x beyond cols.
 *
 * <p>Compute path: quants are widened to F32 and FMA'd with x (the "dequantize" path); per block,
 * s = Σ q·x is formed in a vector and acc += d·s.
 */
public final class Q8_0Matrix extends WeightMatrix {
    static final int QK = 32;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Float> F = Widen.F;
    private static final int L = Widen.L;
    private static final int BL = Widen.B.length();
    private static final int PARTS = Widen.PARTS;

    private final MemorySegment qs;
    private final MemorySegment sc;
    private final int nb;

    private Q8_0Matrix(String name, int rows, int cols, MemorySegment qs, MemorySegment sc) {
        super(name, rows, cols);
        this.qs = qs;
        this.sc = sc;
        this.nb = blocks(cols);
    }

    static int blocks(int cols) {
        return (cols + QK - 1) / QK;
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.Q8_0;
    }

    @Override
    public long byteSize() {
        return qs.byteSize() + sc.byteSize();
    }

    @Override
    public float get(int r, int c) {
        return quant(r, c) * scale(r, c / QK);
    }

    /** The int8 quant of element (r, c). */
    byte quant(int r, int c) {
        return qs.get(ValueLayout.JAVA_BYTE, (long) r * nb * QK + c);
    }

    /** The F16 bits of block b's scale in row r. */
    short scaleBits(int r, int b) {
        return sc.get(SHORT_LE, 2L * ((long) r * nb + b));
    }

    private float scale(int r, int b) {
        return Float.float16ToFloat(scaleBits(r, b));
    }

    // ---- quantization -------------------------------------------------------------------------------------

    /**
     * Quantizes x[off .. off+32) into q[qOff .. qOff+32) and returns the scale's F16 bits (ggml's
     * quantize_row_q8_0_ref). {@code where} names the block in errors.
     */
    static short quantizeBlock(float[] x, int off, byte[] q, int qOff, String where) {
        float amax = 0f;
        for (int j = 0; j < QK; j++) {
            amax = Math.max(amax, Math.abs(x[off + j]));
        }
        if (!Float.isFinite(amax)) {
            throw new ModelFormatException(where + " contains a non-finite value; cannot quantize to Q8_0");
        }
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        short d16 = Float.floatToFloat16(d);
        if (Float.isInfinite(Float.float16ToFloat(d16))) {
            throw new ModelFormatException(where + ": max |x| = " + amax + " overflows the F16 scale of Q8_0");
        }
        for (int j = 0; j < QK; j++) {
            q[qOff + j] = (byte) roundHalfAway(x[off + j] * id);
        }
        return d16;
    }

    /** C's roundf: nearest integer, halves away from zero (Math.round rounds halves up). */
    static int roundHalfAway(float v) {
        int m = Math.round(Math.abs(v));
        return v < 0 ? -m : m;
    }

    static Q8_0Matrix quantize(WeightMatrix src, Arena arena, WorkerPool pool) {
        int rows = src.rows();
        int cols = src.cols();
        int nb = blocks(cols);
        MemorySegment qs = arena.allocate((long) rows * nb * QK, 64);
        MemorySegment sc = arena.allocate(2L * rows * nb, 64);
        pool.parallelFor(0, rows, 8, (r0, r1) -> {
            float[] x = new float[nb * QK];
            byte[] q = new byte[nb * QK];
            for (int r = r0; r < r1; r++) {
                src.decode(r, 0, cols, x, 0);
                for (int b = 0; b < nb; b++) {
                    short d = quantizeBlock(x, b * QK, q, b * QK, src.name() + " row " + r + " block " + b);
                    sc.set(SHORT_LE, 2L * ((long) r * nb + b), d);
                }
                MemorySegment.copy(q, 0, qs, ValueLayout.JAVA_BYTE, (long) r * nb * QK, nb * QK);
            }
        });
        return new Q8_0Matrix(src.name(), rows, cols, qs, sc);
    }

    // ---- kernels ------------------------------------------------------------------------------------------

    // Σ_j q[j]·x[xo + j] over one full block at byte qOff, as a vector of partial sums.
    private FloatVector blockDot(long qOff, float[] x, int xo) {
        ByteVector q = Widen.bytes(qs, qOff);
        FloatVector s = Widen.int8(q, 0).mul(FloatVector.fromArray(F, x, xo));
        for (int part = 1; part < PARTS; part++) {
            s = Widen.int8(q, part).fma(FloatVector.fromArray(F, x, xo + part * L), s);
        }
        for (int p = BL; p < QK; p += BL) {
            q = Widen.bytes(qs, qOff + p);
            for (int part = 0; part < PARTS; part++) {
                s = Widen.int8(q, part).fma(FloatVector.fromArray(F, x, xo + p + part * L), s);
            }
        }
        return s;
    }

    @Override
    void decode(int r, int c0, int len, float[] out, int outOff) {
        long row = (long) r * nb * QK;
        int c = 0;
        for (; c + QK <= len; c += QK) {
            int b = (c0 + c) / QK;
            FloatVector d = FloatVector.broadcast(F, scale(r, b));
            for (int p = 0; p < QK; p += BL) {
                ByteVector q = Widen.bytes(qs, row + c0 + c + p);
                for (int part = 0; part < PARTS; part++) {
                    Widen.int8(q, part).mul(d).intoArray(out, outOff + c + p + part * L);
                }
            }
        }
        for (; c < len; c++) {
            out[outOff + c] = get(r, c0 + c);
        }
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long row = (long) r * nb * QK;
        int full = cols / QK;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < full; b++) {
            acc = blockDot(row + b * QK, x, xOff + b * QK).fma(FloatVector.broadcast(F, scale(r, b)), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int c = full * QK; c < cols; c++) {
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

    // W[r..r+4, :] · x → y[r..r+4]; the x loads of a block are shared by the four rows.
    private void dot4(int r, float[] x, int xOff, float[] bias, float[] y, int yOff, boolean accumulate) {
        long stride = (long) nb * QK;
        long q0 = r * stride, q1 = q0 + stride, q2 = q1 + stride, q3 = q2 + stride;
        int full = cols / QK;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < full; b++) {
            int xo = xOff + b * QK;
            int o = b * QK;
            a0 = blockDot(q0 + o, x, xo).fma(FloatVector.broadcast(F, scale(r, b)), a0);
            a1 = blockDot(q1 + o, x, xo).fma(FloatVector.broadcast(F, scale(r + 1, b)), a1);
            a2 = blockDot(q2 + o, x, xo).fma(FloatVector.broadcast(F, scale(r + 2, b)), a2);
            a3 = blockDot(q3 + o, x, xo).fma(FloatVector.broadcast(F, scale(r + 3, b)), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (int c = full * QK; c < cols; c++) {
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
