package org.visionpangu4j.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.parallel.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Q4_0 weights quantized at load with ggml's numerics: for each block of 32 consecutive elements of a row,
 * m = the element of largest |x| (first one, sign kept), d = m / −8, q = min(15, trunc(x·(1/d) + 8.5)) ∈ [0, 15],
 * value = (q − 8) · d₁₆ where d₁₆ is d rounded to F16 (stored as F16, exactly as ggml, so dequantized values match
 * ggml bit for bit). The element m maps to q = 0 exactly; −m would map to 16 and is clamped to 15 (error |d|).
 *
 * <p>Layout, two off-heap regions from the Arena given to {@link WeightMatrix#of}, nb = ⌈cols/32⌉ blocks per row:
 * <ul>
 *   <li>quants: [rows][nb][16] bytes; byte j of a block holds element j in its low nibble and element j+16 in its
 *       high nibble (ggml's order: one 16-byte load yields two runs of 16 consecutive elements);</li>
 *   <li>scales: F16 [rows][nb]: block (r, b) at byte 2·(r·nb + b).</li>
 * </ul>
 * A short last block is zero-padded (pad quants decode to exactly 0); kernels never read x beyond cols.
 *
 * <p>Compute path: nibbles are widened to int lanes, masked, converted to F32 and FMA'd with x; per block
 * s = Σ (q−8)·x is formed in a vector and acc += d·s.
 */
public final class Q4_0Matrix extends WeightMatrix {
    static final int QK = 32;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Float> F = Widen.F;
    private static final int L = Widen.L;
    private static final int BL = Widen.B.length();
    private static final int PARTS = Widen.PARTS;

    private final MemorySegment qs;
    private final MemorySegment sc;
    private final int nb;

    private Q4_0Matrix(String name, int rows, int cols, MemorySegment qs, MemorySegment sc) {
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
        return WeightFormat.Q4_0;
    }

    @Override
    public long byteSize() {
        return qs.byteSize() + sc.byteSize();
    }

    @Override
    public float get(int r, int c) {
        return (quant(r, c) - 8) * scale(r, c / QK);
    }

    /** The 4-bit quant (0..15) of element (r, c). */
    int quant(int r, int c) {
        int j = c % QK;
        byte b = qs.get(ValueLayout.JAVA_BYTE, ((long) r * nb + c / QK) * (QK / 2) + (j & 15));
        return j < 16 ? b & 0xF : (b >> 4) & 0xF;
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
     * Quantizes x[off .. off+32) into the 16 bytes q[qOff ..) and returns the scale's F16 bits (ggml's
     * quantize_row_q4_0_ref). {@code where} names the block in errors.
     */
    static short quantizeBlock(float[] x, int off, byte[] q, int qOff, String where) {
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < QK; j++) {
            float v = x[off + j];
            if (!Float.isFinite(v)) {
                throw new ModelFormatException(where + " contains a non-finite value; cannot quantize to Q4_0");
            }
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0f ? 1f / d : 0f;
        short d16 = Float.floatToFloat16(d);
        if (Float.isInfinite(Float.float16ToFloat(d16))) {
            throw new ModelFormatException(where + ": max |x| = " + amax + " overflows the F16 scale of Q4_0");
        }
        for (int j = 0; j < QK / 2; j++) {
            int lo = Math.min(15, (int) (x[off + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[off + QK / 2 + j] * id + 8.5f));
            q[qOff + j] = (byte) (lo | (hi << 4));
        }
        return d16;
    }

    static Q4_0Matrix quantize(WeightMatrix src, Arena arena, WorkerPool pool) {
        int rows = src.rows();
        int cols = src.cols();
        int nb = blocks(cols);
        int rowBytes = nb * QK / 2;
        MemorySegment qs = arena.allocate((long) rows * rowBytes, 64);
        MemorySegment sc = arena.allocate(2L * rows * nb, 64);
        pool.parallelFor(0, rows, 8, (r0, r1) -> {
            float[] x = new float[nb * QK];
            byte[] q = new byte[rowBytes];
            for (int r = r0; r < r1; r++) {
                src.decode(r, 0, cols, x, 0);
                for (int b = 0; b < nb; b++) {
                    short d = quantizeBlock(x, b * QK, q, b * QK / 2, src.name() + " row " + r + " block " + b);
                    sc.set(SHORT_LE, 2L * ((long) r * nb + b), d);
                }
                MemorySegment.copy(q, 0, qs, ValueLayout.JAVA_BYTE, (long) r * rowBytes, rowBytes);
            }
        });
        return new Q4_0Matrix(src.name(), rows, cols, qs, sc);
    }

    // ---- kernels ------------------------------------------------------------------------------------------

    private static FloatVector lo(IntVector v) {
        return (FloatVector) v.and(0xF).sub(8).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector hi(IntVector v) {
        return (FloatVector) v.lanewise(VectorOperators.ASHR, 4).and(0xF).sub(8).convert(VectorOperators.I2F, 0);
    }

    // Σ_j (q[j]−8)·x[xo + j] over one full block at byte qOff, as a vector of partial sums.
    private FloatVector blockDot(long qOff, float[] x, int xo) {
        FloatVector s = null;
        for (int p = 0; p < QK / 2; p += BL) {
            ByteVector q = Widen.bytes(qs, qOff + p);
            for (int part = 0; part < PARTS; part++) {
                IntVector v = Widen.int8ToInt(q, part);
                int e = p + part * L;
                FloatVector x0 = FloatVector.fromArray(F, x, xo + e);
                s = s == null ? lo(v).mul(x0) : lo(v).fma(x0, s);
                s = hi(v).fma(FloatVector.fromArray(F, x, xo + QK / 2 + e), s);
            }
        }
        return s;
    }

    @Override
    void decode(int r, int c0, int len, float[] out, int outOff) {
        int c = 0;
        for (; c + QK <= len; c += QK) {
            int b = (c0 + c) / QK;
            long qOff = ((long) r * nb + b) * (QK / 2);
            FloatVector d = FloatVector.broadcast(F, scale(r, b));
            for (int p = 0; p < QK / 2; p += BL) {
                ByteVector q = Widen.bytes(qs, qOff + p);
                for (int part = 0; part < PARTS; part++) {
                    IntVector v = Widen.int8ToInt(q, part);
                    int e = outOff + c + p + part * L;
                    lo(v).mul(d).intoArray(out, e);
                    hi(v).mul(d).intoArray(out, e + QK / 2);
                }
            }
        }
        for (; c < len; c++) {
            out[outOff + c] = get(r, c0 + c);
        }
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long row = (long) r * nb * (QK / 2);
        int full = cols / QK;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < full; b++) {
            acc = blockDot(row + b * (QK / 2), x, xOff + b * QK).fma(FloatVector.broadcast(F, scale(r, b)), acc);
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
        long stride = (long) nb * (QK / 2);
        long q0 = r * stride, q1 = q0 + stride, q2 = q1 + stride, q3 = q2 + stride;
        int full = cols / QK;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < full; b++) {
            int xo = xOff + b * QK;
            int o = b * (QK / 2);
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
