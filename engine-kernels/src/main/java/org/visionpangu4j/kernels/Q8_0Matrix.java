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
 * Q8_0 weights quantized at load with ggml's numerics: for each block of 32 consecutive elements of a row,
 * d = max|x| / 127, q = roundf(x · (1/d)) ∈ [−127, 127] (half away from zero), value = q · d₁₆ where d₁₆ is d
 * rounded to F16 (the scale is stored as F16, exactly as ggml stores it, so dequantized values match ggml bit for bit).
 *
 * <p>Layout, two off-heap regions from the Arena given to {@link WeightMatrix#of}, nb = ⌈cols/32⌉ blocks per row,
 * in the {@link RowGroups} order (rows in groups of the rows one GEMV pass reads, block b of a group's rows side by
 * side, so each pass reads one sequential stream):
 * <ul>
 *   <li>quants: int8, 32 per block: element (r, c) is byte 32·block(r, c/32) + c mod 32;</li>
 *   <li>scales: F16, block (r, b)'s at byte 2·block(r, b).</li>
 * </ul>
 * Keeping the scales apart keeps every quant load 32-byte aligned and lets a block's 32 quants be read with whole
 * vector loads. A short last block is zero-padded (its pad quants are 0); kernels never read x beyond cols.
 *
 * <p>Compute path: quants are widened to F32 and FMA'd with x (the "dequantize" path); per block,
 * s = Σ q·x is formed in a vector and acc += d·s, with the F16 scales of the rows in flight converted once per pass.
 * The alternative, x quantized to int8 per block and Σ qw·qx in integer lanes ({@link #gemvRowsInt8}, kept for the
 * benchmark and tested), was measured with {@code QuantPathBench} (1 thread, kernel only, weight GB/s, Xeon 2-core
 * VM under load from other jobs, JDK 25, 2026-11-26; errors are ±30–80%):
 * <pre>
 *   width   rows×cols     dequant   int8
 *   512     1024×1536     18.8      10.8
 *   512     16384×1536    15.0      11.3
 *   256     1024×1536     11.5–13.0  4.0–6.0
 *   256     16384×1536     8.8–9.9   2.2–6.2
 *   128     1024×1536      3.6–4.0   4.0–4.1
 *   128     16384×1536     2.4–3.7   2.6–4.2
 * </pre>
 * Without VNNI (the Vector API has no int8 dot product) the integer path needs more instructions per weight than
 * widen-and-FMA. Dequantize is kept at every width: it wins clearly at 256 and 512 bits; at 128 bits the two are
 * within the noise, and dequantize keeps the exact numerics (no activation rounding) identical across widths.
 */
public final class Q8_0Matrix extends BlockQuantMatrix {
    private static final VectorSpecies<Float> F = Widen.F;
    private static final int L = Widen.L;


    private Q8_0Matrix(String name, int rows, int cols, MemorySegment qs, MemorySegment sc) {
        super(name, rows, cols, qs, sc, QK);
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.Q8_0;
    }

    @Override
    public float get(int r, int c) {
        return quant(r, c) * scale(r, c / QK);
    }

    /** The int8 quant of element (r, c). */
    byte quant(int r, int c) {
        return qs.get(ValueLayout.JAVA_BYTE, block(r, c / QK) * QK + c % QK);
    }

    // ---- quantization -------------------------------------------------------------------------------------

    /**
     * Quantizes x[off .. off+32) into q[qOff .. qOff+32) and returns the scale's F16 bits: ggml's
     * quantize_row_q8_0_ref in vectors (the same float operations, so the same bits). q needs 8 bytes of slack
     * past the block at 128 bits. {@code name}, {@code r}, {@code b} name the block in errors.
     */
    static short quantizeBlock(float[] x, int off, byte[] q, int qOff, String name, int r, int b) {
        FloatVector m = FloatVector.zero(F);
        for (int e = 0; e < QK; e += L) {
            m = m.max(FloatVector.fromArray(F, x, off + e).abs()); // NaN propagates, as Math.max
        }
        float amax = m.reduceLanes(VectorOperators.MAX);
        if (!Float.isFinite(amax)) {
            throw new ModelFormatException(name + " row " + r + " block " + b + " contains a non-finite value; cannot quantize to Q8_0");
        }
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        short d16 = Float.floatToFloat16(d);
        if (Float.isInfinite(Float.float16ToFloat(d16))) {
            throw new ModelFormatException(name + " row " + r + " block " + b + ": max |x| = " + amax + " overflows the F16 scale of Q8_0");
        }
        for (int e = 0; e < QK; e += L) {
            Widen.storeBytes(Widen.roundHalfAway(FloatVector.fromArray(F, x, off + e).mul(id)), q, qOff + e);
        }
        return d16;
    }

    /** C's roundf: nearest integer, halves away from zero (Math.round rounds halves up). */
    static int roundHalfAway(float v) {
        int m = Math.round(Math.abs(v));
        return v < 0 ? -m : m;
    }

    static Q8_0Matrix quantize(WeightMatrix src, Arena arena, WorkerPool pool) {
        RowGroups.Stored s = RowGroups.quantize(src, arena, QK, Q8_0Matrix::quantizeBlock, pool);
        return new Q8_0Matrix(src.name(), src.rows(), src.cols(), s.quants(), s.scales());
    }

    // ---- kernels ------------------------------------------------------------------------------------------
    // Loops over the L-lane slices of a block are real loops in the source (C2 unrolls them after inlining);
    // written out by hand they would exceed C2's inlining budget at 128 bits and box every vector.

    @Override
    void decode(int r, int c0, int len, float[] out, int outOff) {
        MemorySegment m = groupQuants(r / ROWS);
        int c = 0;
        for (; c + QK <= len; c += QK) {
            int b = (c0 + c) / QK;
            long o = inGroup(r, b);
            FloatVector d = FloatVector.broadcast(F, scale(r, b));
            for (int e = 0; e < QK; e += L) {
                Widen.int8(m, o + e).mul(d).intoArray(out, outOff + c + e);
            }
        }
        for (; c < len; c++) {
            out[outOff + c] = get(r, c0 + c);
        }
    }

    /** Nothing: Q8_0's kernels need only x. */
    @Override
    float[] prepare(float[] x, int xOff) {
        return null;
    }

    @Override
    float dotRow(int r, float[] x, int xOff, float[] unused) {
        MemorySegment m = groupQuants(r / ROWS);
        int full = cols / QK;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < full; b++) {
            FloatVector s = FloatVector.zero(F);
            long o = inGroup(r, b);
            for (int e = 0; e < QK; e += L) {
                s = Widen.int8(m, o + e).fma(FloatVector.fromArray(F, x, xOff + b * QK + e), s);
            }
            acc = s.fma(FloatVector.broadcast(F, scale(r, b)), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int c = full * QK; c < cols; c++) {
            sum += get(r, c) * x[xOff + c];
        }
        return sum;
    }

    // W[r..r+4, :] · x → y[r..r+4] for the group starting at r: per block, s_i = Σ q·x in a vector (each x slice
    // loaded once for the four rows), then acc_i += d_i·s_i with the scales pre-converted into d[4b + i].
    @Override
    void dot4(int r, float[] x, int xOff, float[] unused, float[] d, float[] bias, float[] y, int yOff, boolean accumulate) {
        MemorySegment m = groupQuants(r / 4);
        int full = cols / QK;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < full; b++) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            int xo = xOff + b * QK;
            long o = (long) b * 4 * QK;
            for (int e = 0; e < QK; e += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xo + e);
                s0 = Widen.int8(m, o + e).fma(xv, s0);
                s1 = Widen.int8(m, o + QK + e).fma(xv, s1);
                s2 = Widen.int8(m, o + 2 * QK + e).fma(xv, s2);
                s3 = Widen.int8(m, o + 3 * QK + e).fma(xv, s3);
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

    // W[r..r+2, :] · x → y[r..r+2] for the group starting at r: per block, s_i = Σ q·x in a vector (each x slice
    // loaded once for both rows), then acc_i += d_i·s_i with the scales pre-converted into d[2b + i].
    @Override
    void dot2(int r, float[] x, int xOff, float[] unused, float[] d, float[] bias, float[] y, int yOff, boolean accumulate) {
        MemorySegment m = groupQuants(r / 2);
        int full = cols / QK;
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0; b < full; b++) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0;
            int xo = xOff + b * QK;
            long o = (long) b * 2 * QK;
            for (int e = 0; e < QK; e += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xo + e);
                s0 = Widen.int8(m, o + e).fma(xv, s0);
                s1 = Widen.int8(m, o + QK + e).fma(xv, s1);
            }
            a0 = s0.fma(FloatVector.broadcast(F, d[2 * b]), a0);
            a1 = s1.fma(FloatVector.broadcast(F, d[2 * b + 1]), a1);
        }
        finishRow(r, a0.reduceLanes(VectorOperators.ADD), x, xOff, bias, y, yOff, accumulate);
        finishRow(r + 1, a1.reduceLanes(VectorOperators.ADD), x, xOff, bias, y, yOff, accumulate);
    }

    // ---- integer path: x quantized to int8 per block, Σ qw·qx in int lanes ---------------------------------

    // Σ_j qw[j]·qx[j] for L quants at byte qOff: int8 pairs widen to shorts, multiply (|p| ≤ 127² fits a short),
    // widen to ints.
    private IntVector prodInt(long qOff, ShortVector xv) {
        return (IntVector) Widen.int8ToShort(qs, qOff).mul(xv).convertShape(VectorOperators.S2I, Widen.I, 0);
    }

    private float dotRowInt(int r, Int8Activations xa) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            IntVector s = IntVector.zero(Widen.I);
            long o = block(r, b) * QK;
            for (int e = 0; e < QK; e += L) {
                s = s.add(prodInt(o + e, ShortVector.fromArray(Widen.S, xa.q, b * QK + e)));
            }
            acc = ((FloatVector) s.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, scale(r, b) * xa.d[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * As {@link #gemvRows} on the integer path, with x already quantized into {@code xa} (zero-padded blocks, so
     * no tail code): at 512 bits a group of four rows per pass, per block s_i = Σ qw·qx exactly in int lanes,
     * acc_i += (d_i·d_x)·s_i; one row at a time at narrower widths.
     */
    void gemvRowsInt8(int r0, int r1, Int8Activations xa, float[] bias, float[] y, int yOff, boolean accumulate) {
        int r = r0;
        for (; r < r1 && r % ROWS != 0; r++) {
            put(y, yOff + r, dotRowInt(r, xa), bias, r, accumulate);
        }
        float[] d = Widen.scratch(4 * nb);
        short[] h = Widen.shortScratch(4 * nb + L);
        for (; ROWS == 4 && r + 4 <= r1; r += 4) {
            Widen.f16Row(sc, 2L * block(r, 0), 4 * nb, h, d);
            long g = block(r, 0) * QK;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int b = 0; b < nb; b++) {
                IntVector s0 = IntVector.zero(Widen.I), s1 = s0, s2 = s0, s3 = s0;
                int o = b * QK;
                long q0 = g + 4L * o, q1 = q0 + QK, q2 = q1 + QK, q3 = q2 + QK;
                for (int e = 0; e < QK; e += L) {
                    ShortVector xv = ShortVector.fromArray(Widen.S, xa.q, o + e);
                    s0 = s0.add(prodInt(q0 + e, xv));
                    s1 = s1.add(prodInt(q1 + e, xv));
                    s2 = s2.add(prodInt(q2 + e, xv));
                    s3 = s3.add(prodInt(q3 + e, xv));
                }
                float dx = xa.d[b];
                a0 = ((FloatVector) s0.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, d[4 * b] * dx), a0);
                a1 = ((FloatVector) s1.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, d[4 * b + 1] * dx), a1);
                a2 = ((FloatVector) s2.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, d[4 * b + 2] * dx), a2);
                a3 = ((FloatVector) s3.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, d[4 * b + 3] * dx), a3);
            }
            put(y, yOff + r, a0.reduceLanes(VectorOperators.ADD), bias, r, accumulate);
            put(y, yOff + r + 1, a1.reduceLanes(VectorOperators.ADD), bias, r + 1, accumulate);
            put(y, yOff + r + 2, a2.reduceLanes(VectorOperators.ADD), bias, r + 2, accumulate);
            put(y, yOff + r + 3, a3.reduceLanes(VectorOperators.ADD), bias, r + 3, accumulate);
        }
        for (; r < r1; r++) {
            put(y, yOff + r, dotRowInt(r, xa), bias, r, accumulate);
        }
    }
}
