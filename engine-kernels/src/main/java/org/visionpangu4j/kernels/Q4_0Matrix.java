package org.visionpangu4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.parallel.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_0 weights quantized at load with ggml's numerics: for each block of 32 consecutive elements of a row,
 * m = the element of largest |x| (first one, sign kept), d = m / −8, q = min(15, trunc(x·(1/d) + 8.5)) ∈ [0, 15],
 * value = (q − 8) · d₁₆ where d₁₆ is d rounded to F16 (stored as F16, exactly as ggml, so dequantized values match
 * ggml bit for bit). The element m maps to q = 0 exactly; −m would map to 16 and is clamped to 15 (error |d|).
 *
 * <p>Layout, two off-heap regions from the Arena given to {@link WeightMatrix#of}, nb = ⌈cols/32⌉ blocks per row,
 * in the {@link RowGroups} order (rows in groups of the rows one GEMV pass reads, block b of a group's rows side by
 * side, so each pass reads one sequential stream):
 * <ul>
 *   <li>quants: 16 bytes per block, block (r, b)'s at byte 16·block(r, b). Byte j of a block holds element j in its
 *       low nibble and element j+16 in its high nibble (ggml's order: one 16-byte load yields two runs of 16
 *       consecutive elements). Nibbles hold q itself (0..15): after zero-extending the byte, a mask gives the
 *       low value and a logical shift right by 4 the high one;</li>
 *   <li>scales: F16 in the same block order, at byte 2·block(r, b).</li>
 * </ul>
 * A short last block is zero-padded (pad quants decode to exactly 0); kernels never read x beyond cols.
 *
 * <p>Compute path: nibbles are widened to int lanes, masked / shifted out as unsigned values q, converted to F32
 * and FMA'd with x; the −8 is not applied per weight but folded into the start of each block's sum: per block,
 * s = c_b + Σ q·x in a vector, where c_b = −8·(x_j + x_{j+16}) per lane (summed over the block's slices) is
 * computed once per call from x and shared by every row, then acc += d·s, with the F16 scales of the rows in flight
 *  * converted once per pass. The alternative, x quantized to int8 per block and Σ (q−8)·qx in integer lanes
 * ({@link #gemvRowsInt8}, kept for the benchmark and tested), was measured with {@code QuantPathBench} (1 thread,
 * kernel only, weight GB/s, Xeon 2-core VM under load from other jobs, JDK 25, 2026-11-26; errors ±30–80%):
 * <pre>
 *   width   rows×cols     dequant   int8
 *   512     1024×1536     7.1       1.4
 *   512     16384×1536    6.8       1.5
 *   256     1024×1536     3.1–5.3   1.1–3.4   (int8 at one row per pass after the first run showed boxing)
 *   256     16384×1536    3.6–5.2   1.1–4.0
 *   128     1024×1536     1.8–2.5   0.6–1.4
 *   128     16384×1536    1.3–1.7   0.3–1.4
 * </pre>
 * Dequantize is kept at every width (at 256 bits the int8 mean of the last run was 10% higher, inside the noise;
 * dequantize keeps the exact numerics identical across widths; the table was measured with signed nibbles and
 * row-major storage). Per 32 weights and row this path costs eight vector operations: a widen, a mask, a shift,
 * two conversions and three FMAs (signed nibbles, q − 8 by shifts, cost nine: three shifts instead of the mask and
 * one shift, all of them on the one port that also converts, at 512 bits on Intel). Summing q·x and −8·x
 * separately rounds terms up to (q + 8)·|d·x| instead of |q − 8|·|d·x|: the same float error analysis, on larger
 * terms (the kernel tests bound it so).
 */
public final class Q4_0Matrix extends BlockQuantMatrix {
    private static final VectorSpecies<Float> F = Widen.F;
    private static final int L = Widen.L;

    private static final int BYTES = QK / 2;

    private Q4_0Matrix(String name, int rows, int cols, MemorySegment qs, MemorySegment sc) {
        super(name, rows, cols, qs, sc, BYTES);
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.Q4_0;
    }

    @Override
    public float get(int r, int c) {
        return (quant(r, c) - 8) * scale(r, c / QK);
    }

    /** The 4-bit quant (0..15) of element (r, c). */
    int quant(int r, int c) {
        int j = c % QK;
        byte b = qs.get(ValueLayout.JAVA_BYTE, block(r, c / QK) * BYTES + (j & 15));
        return j < 16 ? b & 0xF : (b >> 4) & 0xF;
    }

    // ---- quantization -------------------------------------------------------------------------------------

    /**
     * Quantizes x[off .. off+32) into the 16 bytes q[qOff ..) and returns the scale's F16 bits: ggml's
     * quantize_row_q4_0_ref in vectors (the same float operations, so the same bits).
     * q needs 8 bytes of slack past the block at 128 bits. {@code name}, {@code r}, {@code b} name the block in
     * errors.
     */
    static short quantizeBlock(float[] x, int off, byte[] q, int qOff, String name, int r, int b) {
        FloatVector m = FloatVector.zero(F);
        for (int e = 0; e < QK; e += L) {
            m = m.max(FloatVector.fromArray(F, x, off + e).abs()); // NaN propagates, as Math.max
        }
        float amax = m.reduceLanes(VectorOperators.MAX);
        if (!Float.isFinite(amax)) {
            throw new ModelFormatException(name + " row " + r + " block " + b + " contains a non-finite value; cannot quantize to Q4_0");
        }
        float max = 0f; // ggml keeps the first element of largest |x| (strict <), or 0 for an all-zero block
        for (int j = 0; amax > 0f && j < QK; j++) {
            if (Math.abs(x[off + j]) == amax) {
                max = x[off + j];
                break;
            }
        }
        float d = max / -8f;
        float id = d != 0f ? 1f / d : 0f;
        short d16 = Float.floatToFloat16(d);
        if (Float.isInfinite(Float.float16ToFloat(d16))) {
            throw new ModelFormatException(name + " row " + r + " block " + b + ": max |x| = " + amax + " overflows the F16 scale of Q4_0");
        }
        for (int e = 0; e < QK / 2; e += L) {
            IntVector lo = level(FloatVector.fromArray(F, x, off + e), id);
            IntVector hi = level(FloatVector.fromArray(F, x, off + QK / 2 + e), id);
            Widen.storeBytes(lo.or(hi.lanewise(VectorOperators.LSHL, 4)), q, qOff + e);
        }
        return d16;
    }

    // min(15, (int) (x·id + 8.5f)) per lane: a float multiply then a float add, as ggml's C (no fused multiply-add).
    private static IntVector level(FloatVector x, float id) {
        return ((IntVector) x.mul(id).add(8.5f).convert(VectorOperators.F2I, 0)).min(15);
    }

    static Q4_0Matrix quantize(WeightMatrix src, Arena arena, WorkerPool pool) {
        RowGroups.Stored s = RowGroups.quantize(src, arena, BYTES, Q4_0Matrix::quantizeBlock, pool);
        return new Q4_0Matrix(src.name(), src.rows(), src.cols(), s.quants(), s.scales());
    }

    // ---- kernels ------------------------------------------------------------------------------------------
    // Loops over the L-lane slices of a block are real loops in the source (C2 unrolls them after inlining);
    // written out by hand they would exceed C2's inlining budget and box every vector.

    /** q of the low nibbles of int lanes holding zero-extended quant bytes, as floats. */
    private static FloatVector lo(IntVector v) {
        return (FloatVector) v.and(0xF).convert(VectorOperators.I2F, 0);
    }

    /** q of the high nibbles, as floats. */
    private static FloatVector hi(IntVector v) {
        return (FloatVector) v.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
    }

    /**
     * c[b·L ..] = −8·Σ_slices (x_j + x_{j+16}) per lane for each full block b of x[xOff ..]: the block's −8·Σx as
     * the starting value of its lane sums (one vector per block, computed once per call and shared by all rows).
     */
    @Override
    float[] prepare(float[] x, int xOff) {
        int full = cols / QK;
        float[] c = MINUS8_SUMS.get();
        if (c.length < full * L) {
            c = new float[full * L];
            MINUS8_SUMS.set(c);
        }
        for (int b = 0; b < full; b++) {
            int xo = xOff + b * QK;
            FloatVector v = FloatVector.zero(F);
            for (int e = 0; e < QK / 2; e += L) {
                v = v.add(FloatVector.fromArray(F, x, xo + e).add(FloatVector.fromArray(F, x, xo + QK / 2 + e)));
            }
            v.mul(-8f).intoArray(c, b * L);
        }
        return c;
    }

    private static final ThreadLocal<float[]> MINUS8_SUMS = ThreadLocal.withInitial(() -> new float[0]);

    @Override
    void decode(int r, int c0, int len, float[] out, int outOff) {
        MemorySegment m = groupQuants(r / ROWS);
        int c = 0;
        for (; c + QK <= len; c += QK) {
            int b = (c0 + c) / QK;
            long qOff = inGroup(r, b);
            FloatVector d = FloatVector.broadcast(F, scale(r, b));
            for (int e = 0; e < QK / 2; e += L) {
                IntVector v = Widen.uint8ToInt(m, qOff + e);
                lo(v).sub(8f).mul(d).intoArray(out, outOff + c + e); // q − 8 is exact: one rounding, as get()
                hi(v).sub(8f).mul(d).intoArray(out, outOff + c + QK / 2 + e);
            }
        }
        for (; c < len; c++) {
            out[outOff + c] = get(r, c0 + c);
        }
    }

    // Row r · x, with c = prepare(x, xOff).
    @Override
    float dotRow(int r, float[] x, int xOff, float[] c) {
        MemorySegment m = groupQuants(r / ROWS);
        int full = cols / QK;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < full; b++) {
            FloatVector s = FloatVector.fromArray(F, c, b * L);
            int xo = xOff + b * QK;
            long o = inGroup(r, b);
            for (int e = 0; e < QK / 2; e += L) {
                IntVector v = Widen.uint8ToInt(m, o + e);
                s = lo(v).fma(FloatVector.fromArray(F, x, xo + e), s);
                s = hi(v).fma(FloatVector.fromArray(F, x, xo + QK / 2 + e), s);
            }
            acc = s.fma(FloatVector.broadcast(F, scale(r, b)), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int k = full * QK; k < cols; k++) {
            sum += get(r, k) * x[xOff + k];
        }
        return sum;
    }

    // W[r..r+4, :] · x → y[r..r+4] for the group starting at r: per block, s_i = c_b + Σ q·x in a vector (each x
    // slice loaded once for the four rows), then acc_i += d_i·s_i with the scales pre-converted into d[4b + i].
    @Override
    void dot4(int r, float[] x, int xOff, float[] c, float[] d, float[] bias, float[] y, int yOff, boolean accumulate) {
        MemorySegment m = groupQuants(r / 4);
        int full = cols / QK;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < full; b++) {
            FloatVector s0 = FloatVector.fromArray(F, c, b * L), s1 = s0, s2 = s0, s3 = s0;
            long o = (long) b * 4 * BYTES;
            int xo = xOff + b * QK;
            for (int e = 0; e < QK / 2; e += L) {
                FloatVector xl = FloatVector.fromArray(F, x, xo + e);
                FloatVector xh = FloatVector.fromArray(F, x, xo + QK / 2 + e);
                IntVector v = Widen.uint8ToInt(m, o + e);
                s0 = hi(v).fma(xh, lo(v).fma(xl, s0));
                v = Widen.uint8ToInt(m, o + BYTES + e);
                s1 = hi(v).fma(xh, lo(v).fma(xl, s1));
                v = Widen.uint8ToInt(m, o + 2 * BYTES + e);
                s2 = hi(v).fma(xh, lo(v).fma(xl, s2));
                v = Widen.uint8ToInt(m, o + 3 * BYTES + e);
                s3 = hi(v).fma(xh, lo(v).fma(xl, s3));
            }
            a0 = s0.fma(FloatVector.broadcast(F, d[4 * b]), a0);
            a1 = s1.fma(FloatVector.broadcast(F, d[4 * b + 1]), a1);
            a2 = s2.fma(FloatVector.broadcast(F, d[4 * b + 2]), a2);
            a3 = s3.fma(FloatVector.broadcast(F, d[4 * b + 3]), a3);
        }
        finishRow(r, a0.reduceLanes(VectorOperators.ADD), x, xOff, bias, y, yOff, accumulate);
        finishRow(r + 1, a1.reduceLanes(VectorOperators.ADD), x, xOff, bias, y, yOff, accumulate);
        finishRow(r + 2, a2.reduceLanes(VectorOperators.ADD), x, xOff, bias, y, yOff, accumulate);
        finishRow(r + 3, a3.reduceLanes(VectorOperators.ADD), x, xOff, bias, y, yOff, accumulate);
    }

    // W[r..r+2, :] · x → y[r..r+2] for the group starting at r: per block, s_i = c_b + Σ q·x in a vector (each x
    // slice loaded once for both rows), then acc_i += d_i·s_i with the scales pre-converted into d[2b + i].
    @Override
    void dot2(int r, float[] x, int xOff, float[] c, float[] d, float[] bias, float[] y, int yOff, boolean accumulate) {
        MemorySegment m = groupQuants(r / 2);
        int full = cols / QK;
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0; b < full; b++) {
            FloatVector s0 = FloatVector.fromArray(F, c, b * L), s1 = s0;
            long o = (long) b * 2 * BYTES;
            int xo = xOff + b * QK;
            for (int e = 0; e < QK / 2; e += L) {
                FloatVector xl = FloatVector.fromArray(F, x, xo + e);
                FloatVector xh = FloatVector.fromArray(F, x, xo + QK / 2 + e);
                IntVector v = Widen.uint8ToInt(m, o + e);
                s0 = hi(v).fma(xh, lo(v).fma(xl, s0));
                v = Widen.uint8ToInt(m, o + BYTES + e);
                s1 = hi(v).fma(xh, lo(v).fma(xl, s1));
            }
            a0 = s0.fma(FloatVector.broadcast(F, d[2 * b]), a0);
            a1 = s1.fma(FloatVector.broadcast(F, d[2 * b + 1]), a1);
        }
        finishRow(r, a0.reduceLanes(VectorOperators.ADD), x, xOff, bias, y, yOff, accumulate);
        finishRow(r + 1, a1.reduceLanes(VectorOperators.ADD), x, xOff, bias, y, yOff, accumulate);
    }

    // ---- integer path: x quantized to int8 per block, Σ (q−8)·qx in int lanes (exact) ----------------------

    // (lo−8)·qx[j] + (hi−8)·qx[j+16] for the L quant bytes at qOff: nibbles widen to shorts; each product is at
    // most 8·127 in magnitude and so is the pair's sum within a short; then widen to ints.
    private IntVector prodInt(long qOff, ShortVector xl, ShortVector xh) {
        ShortVector v = Widen.int8ToShort(qs, qOff);
        ShortVector lo = v.and((short) 0xF).sub((short) 8);
        ShortVector hi = v.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8);
        return (IntVector) lo.mul(xl).add(hi.mul(xh)).convertShape(VectorOperators.S2I, Widen.I, 0);
    }

    private float dotRowInt(int r, Int8Activations xa) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            IntVector s = IntVector.zero(Widen.I);
            long o = block(r, b) * BYTES;
            for (int e = 0; e < QK / 2; e += L) {
                s = s.add(prodInt(o + e, ShortVector.fromArray(Widen.S, xa.q, b * QK + e),
                        ShortVector.fromArray(Widen.S, xa.q, b * QK + QK / 2 + e)));
            }
            acc = ((FloatVector) s.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, scale(r, b) * xa.d[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * As {@link #gemvRows} on the integer path, with x already quantized into {@code xa} (zero-padded blocks, so
     * no tail code): one row at a time (it is the benchmark's comparison path), per block s_i = Σ (q−8)·qx
     * exactly in int lanes, acc_i += (d_i·d_x)·s_i.
     */
    void gemvRowsInt8(int r0, int r1, Int8Activations xa, float[] bias, float[] y, int yOff, boolean accumulate) {
        for (int r = r0; r < r1; r++) {
            put(y, yOff + r, dotRowInt(r, xa), bias, r, accumulate);
        }
    }
}
