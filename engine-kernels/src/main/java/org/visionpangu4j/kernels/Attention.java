package org.visionpangu4j.kernels;

import static org.visionpangu4j.kernels.KvCache.TILE;
import static org.visionpangu4j.kernels.SimdMath.EXP2_LO;
import static org.visionpangu4j.kernels.SimdMath.F;
import static org.visionpangu4j.kernels.SimdMath.P1;
import static org.visionpangu4j.kernels.SimdMath.P2;
import static org.visionpangu4j.kernels.SimdMath.P3;
import static org.visionpangu4j.kernels.SimdMath.P4;
import static org.visionpangu4j.kernels.SimdMath.P5;
import static org.visionpangu4j.kernels.SimdMath.P6;
import static org.visionpangu4j.kernels.SimdMath.ROUND_MAGIC;
import static org.visionpangu4j.kernels.SimdMath.ROUND_MAGIC_BITS;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.parallel.WorkerPool;

/**
 * Scaled dot-product attention: causal against a {@link KvCache} (decode and prefill, F32 or int8 cache, GQA), and
 * bidirectional for vision encoders. Scalar twin: {@code reference.ScalarAttention}.
 *
 * <p>Both run the same blocked, flash-attention-style loop; no T×T score matrix ever exists. A job is one KV head
 * and a block of up to {@value #QB} query rows (for GQA, the rows of all query heads sharing that KV head, so
 * each key and value is read once for the whole group). Keys are visited in steps of {@code step} positions:
 * <pre>
 *   for each key step:                              (int8 cache: dequantise the step's K and V first, vectorised)
 *     for each tile of 4 query rows:
 *       S[4, step]  = Q[4, D] · Kᵀ[D, step]         broadcast-FMA over transposed key tiles, 4×4 or 4×2 register tile
 *       per row:      mask keys past the row's limit; online softmax (running max m, running sum l) turns S
 *                     into P and rescales the row's accumulator O by 2^(m_old − m_new)
 *       O[4, D]    += P[4, step] · V[step, D]       broadcast-FMA over value rows, 4×4 or 4×2 register tile
 *   out = O / l
 * </pre>
 * Queries are pre-scaled by log2(e)/√D so the softmax runs in base 2 (2^x needs half the work of e^x); the
 * running sums stay per lane and are reduced once per row. The step's keys and values are reused from L1/L2 by
 * every tile of the block. The cache's key layout (transposed tiles of 16 positions) is already what the score
 * kernel reads; for vision, each job's thread packs its head's K (transposed tiles) and V once per call and keeps
 * it for all query blocks of that head. Scratch (packed Q, S, O, the softmax state, dequantised or packed K/V) is
 * per thread and reused across calls: nothing is allocated per key, row or job once the buffers have grown.
 *
 * <p>Parallelism: jobs = KV heads × query blocks, split over the pool in contiguous ranges; causal blocks are
 * ordered cheap/dear alternately so the ranges carry similar work. A decode step has only KV-heads jobs (6 for
 * openPangu-1B), so more threads than that stay idle — splitting the keys of a head across threads
 * (flash-decoding) is not done. Decode pads the 2 (GQA group) query rows to a tile of 4. int8 caches are widened
 * step by step into per-thread F32 scratch; on the AVX-512 machine of engine-bench/README.md that widening costs
 * about what the F32 cache's extra memory traffic does, so an int8 decode step is no faster than an F32 one on a
 * single core: the int8 cache saves memory (4×) and bandwidth shared between cores.
 */
public final class Attention {
    /** Query rows per register tile. */
    private static final int MR = 4;
    /** Query rows per job. */
    private static final int QB = 64;
    /**
     * 16-float vectors (AVX-512, SVE-512) come with 32 registers: a 4×4 register tile (16 accumulators) fits and
     * beats 4×2 (fewer loads per FMA, more independent FMA chains). Narrower widths keep 4×2: AVX2 has 16 registers.
     */
    private static final boolean WIDE = F.length() == 16;
    /** Vectors of keys (scores) or value columns (accumulation) per register tile. */
    private static final int NV = WIDE ? 4 : 2;
    /** Keys per score group. */
    private static final int KG = NV * F.length();
    /** int8 lanes widened to one float vector (at 128 bits, 8 are loaded and the low 4 used). */
    private static final VectorSpecies<Byte> B =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, F.length() * 8)));
    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2 = 0.6931471805599453;
    private static final int STEP_FLOATS = 4096;
    private static final AtomicLong CALLS = new AtomicLong();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static {
        if (F.length() > TILE) {
            throw new UnsupportedOperationException("attention kernels support vectors of up to " + TILE
                    + " floats (512 bits); " + Simd.describe() + " needs a wider key tile");
        }
    }

    private Attention() {
    }

    /**
     * Causal attention of T new queries against the cache (which already holds their keys/values).
     * q[T, nHeads·headDim] (RoPE applied), query t sits at position startPos + t and sees positions
     * 0 .. startPos + t. Query head h reads KV head h / (nHeads / kvHeads). Scale 1/√headDim.
     * out[T, nHeads·headDim] (must not overlap q).
     */
    public static void causal(WorkerPool pool, KvCache cache, int layer, float[] q, int T, int startPos, int nHeads,
                              float[] out) {
        int hd = cache.headDim();
        int kvHeads = cache.kvHeads();
        if (layer < 0 || layer >= cache.layers()) {
            throw new IndexOutOfBoundsException("layer " + layer + " outside KV cache of " + cache.layers() + " layers");
        }
        if (nHeads < 1 || nHeads % kvHeads != 0) {
            throw new IllegalArgumentException(nHeads + " query heads cannot share " + kvHeads + " KV heads evenly");
        }
        if (T < 0 || startPos < 0 || (long) startPos + T > cache.capacity()) {
            throw new IllegalArgumentException("queries at positions " + startPos + " .. " + ((long) startPos + T - 1)
                    + " do not fit KV cache capacity " + cache.capacity());
        }
        long need = (long) T * nHeads * hd;
        if (q.length < need || out.length < need) {
            throw new IllegalArgumentException("causal attention needs q and out of " + need + " floats, got "
                    + q.length + " and " + out.length);
        }
        if (T == 0) {
            return;
        }
        int group = nHeads / kvHeads;
        int rowsPerHead = T * group;
        int blocks = (rowsPerHead + QB - 1) / QB;
        float scale = (float) (LOG2E / Math.sqrt(hd));
        pool.parallelFor(0, kvHeads * blocks, 1, (a, b) -> {
            Scratch sc = SCRATCH.get();
            for (int job = a; job < b; job++) {
                int kvh = job / blocks;
                // Later blocks see more keys; alternate cheap and dear ones so contiguous job ranges even out.
                int blk = zigzag(job % blocks, blocks);
                int r0 = blk * QB;
                int rows = Math.min(QB, rowsPerHead - r0);
                sc.ensure(rows, hd, cache.rowDim(), stepFor(hd));
                for (int r = 0; r < rows; r++) {
                    int t = (r0 + r) / group;
                    int h = kvh * group + (r0 + r) % group;
                    sc.rowQ[r] = (t * nHeads + h) * hd;
                    sc.rowOut[r] = sc.rowQ[r];
                    sc.rowLimit[r] = startPos + t + 1;
                }
                attendBlock(sc, rows, hd, cache.rowDim(), scale, q, out, cache, layer, kvh);
            }
        });
    }

    /**
     * Full (unmasked) attention over T tokens for nHeads heads of headDim. Row t of q, k, v starts at
     * t·rowStride + qOff / kOff / vOff (so a fused [T, 3·H·D] qkv buffer is read in place); head h occupies
     * h·headDim .. (h+1)·headDim within it. out[t·outStride + h·headDim + i] (must not overlap qkv).
     * Scale 1/√headDim.
     */
    public static void bidirectional(WorkerPool pool, float[] qkv, int T, int nHeads, int headDim, int rowStride,
                                     int qOff, int kOff, int vOff, float[] out, int outStride) {
        if (T < 0 || nHeads < 1 || headDim < 1) {
            throw new IllegalArgumentException("bidirectional attention needs T ≥ 0, nHeads ≥ 1, headDim ≥ 1, got "
                    + T + ", " + nHeads + ", " + headDim);
        }
        if (T == 0) {
            return;
        }
        int width = nHeads * headDim;
        long lastIn = (long) (T - 1) * rowStride + Math.max(qOff, Math.max(kOff, vOff)) + width;
        long lastOut = (long) (T - 1) * outStride + width;
        if (qOff < 0 || kOff < 0 || vOff < 0 || lastIn > qkv.length || lastOut > out.length) {
            throw new IllegalArgumentException("bidirectional attention over " + T + " rows × " + width
                    + " does not fit qkv[" + qkv.length + "] (stride " + rowStride + ") or out[" + out.length
                    + "] (stride " + outStride + ")");
        }
        int blocks = (T + QB - 1) / QB;
        int rowDim = (headDim + TILE - 1) / TILE * TILE;
        float scale = (float) (LOG2E / Math.sqrt(headDim));
        long call = CALLS.incrementAndGet();
        pool.parallelFor(0, nHeads * blocks, 1, (a, b) -> {
            Scratch sc = SCRATCH.get();
            for (int job = a; job < b; job++) {
                int h = job / blocks;
                int r0 = (job % blocks) * QB;
                int rows = Math.min(QB, T - r0);
                sc.ensure(rows, headDim, rowDim, stepFor(headDim));
                if (sc.packedCall != call || sc.packedHead != h) {
                    packHead(sc, qkv, T, headDim, rowDim, rowStride, kOff + h * headDim, vOff + h * headDim);
                    sc.packedCall = call;
                    sc.packedHead = h;
                }
                for (int r = 0; r < rows; r++) {
                    sc.rowQ[r] = (r0 + r) * rowStride + qOff + h * headDim;
                    sc.rowOut[r] = (r0 + r) * outStride + h * headDim;
                    sc.rowLimit[r] = T;
                }
                attendBlock(sc, rows, headDim, rowDim, scale, qkv, out, null, 0, 0);
            }
        });
    }

    /** Keys per online-softmax step: ~16 KB of keys (and of values), a multiple of KG, in [KG, 256]. */
    private static int stepFor(int headDim) {
        return Math.max(KG, Math.min(256, STEP_FLOATS / headDim / KG * KG));
    }

    private static int zigzag(int i, int n) {
        return (i & 1) == 0 ? i / 2 : n - 1 - i / 2;
    }

    /** Copies one head's keys into transposed tiles (zero-padded to whole tiles and key groups) and values into rows. */
    private static void packHead(Scratch sc, float[] qkv, int T, int D, int rowDim, int rowStride, int k0, int v0) {
        int pad = Math.max(KG, TILE); // whole tiles, whole key groups
        int keys = (T + pad - 1) / pad * pad;
        sc.ensurePacked(keys * D, T * rowDim);
        float[] kt = sc.kt;
        float[] v = sc.v;
        Arrays.fill(kt, T / TILE * TILE * D, keys * D, 0f); // the last tiles' padding keys
        for (int p = 0; p < T; p++) {
            int src = p * rowStride + k0;
            int dst = (p / TILE) * TILE * D + p % TILE;
            for (int i = 0; i < D; i++) {
                kt[dst + i * TILE] = qkv[src + i];
            }
            System.arraycopy(qkv, p * rowStride + v0, v, p * rowDim, D);
        }
    }

    /**
     * The blocked attention of rows query rows (described by sc.rowQ/rowOut/rowLimit) against one KV head: the
     * cache's (cache != null) or the packed one in sc.kt/sc.v.
     *
     * <p>The work is split into methods that each take arrays and compile on their own: a vector value passed to a
     * method the JIT did not inline is boxed, and a single huge method makes such inlining failures likely.
     */
    private static void attendBlock(Scratch sc, int rows, int D, int rowDim, float scale, float[] q, float[] out,
                                    KvCache cache, int layer, int kvh) {
        int tiles = (rows + MR - 1) / MR;
        int step = stepFor(D);
        int maxLimit = packQueries(sc, rows, D, scale, q);
        boolean int8 = cache != null && cache.type() == KvCache.Type.INT8;
        for (int s0 = 0; s0 < maxLimit; s0 += step) {
            int n = Math.min(step, maxLimit - s0);
            float[] kt;
            float[] v;
            int ktBase;
            int vBase;
            if (cache == null) {
                kt = sc.kt;
                v = sc.v;
                ktBase = 0;
                vBase = 0;
            } else if (!int8) {
                kt = cache.keysF32(layer);
                v = cache.valuesF32(layer);
                ktBase = cache.keyIndex(kvh, 0, 0);
                vBase = cache.valueIndex(kvh, 0, 0);
            } else {
                dequantizeStep(sc, cache, layer, kvh, s0, n, D, rowDim);
                kt = sc.kt;
                v = sc.v;
                ktBase = -s0 * D; // scratch tile 0 holds key s0
                vBase = -s0 * rowDim;
            }
            for (int t = 0; t < tiles; t++) {
                int lim = sc.tileLimit[t];
                if (lim <= s0) {
                    continue;
                }
                int nt = Math.min(n, lim - s0);
                scores(sc.q, t * D * MR, kt, ktBase, s0, nt, D, sc.s, step);
                softmaxTile(sc, t, rows, s0, nt, step, rowDim);
                accumulate(sc.s, step, v, vBase + s0 * rowDim, rowDim, nt, sc.o, t * MR * rowDim);
            }
        }
        writeOut(sc, rows, D, rowDim, out);
    }

    /**
     * Packs the block's queries as [tile][i][MR], pre-scaled by log2(e)/√D (padding rows zero); resets O and the
     * softmax state.
     */
    private static int packQueries(Scratch sc, int rows, int D, float scale, float[] q) {
        int tiles = (rows + MR - 1) / MR;
        float[] qp = sc.q;
        Arrays.fill(qp, 0, tiles * D * MR, 0f);
        int maxLimit = 0;
        for (int r = 0; r < rows; r++) {
            int base = (r / MR) * D * MR + r % MR;
            int src = sc.rowQ[r];
            for (int i = 0; i < D; i++) {
                qp[base + i * MR] = q[src + i] * scale;
            }
            maxLimit = Math.max(maxLimit, sc.rowLimit[r]);
        }
        for (int t = 0; t < tiles; t++) {
            int lim = 0;
            for (int r = t * MR; r < Math.min(rows, t * MR + MR); r++) {
                lim = Math.max(lim, sc.rowLimit[r]);
            }
            sc.tileLimit[t] = lim;
        }
        int rowDim = sc.rowDim;
        Arrays.fill(sc.o, 0, tiles * MR * rowDim, 0f);
        Arrays.fill(sc.m, 0, tiles * MR, Float.NEGATIVE_INFINITY);
        Arrays.fill(sc.l, 0, tiles * MR * F.length(), 0f);
        return maxLimit;
    }

    /** S[4][0 .. nt) of one tile for keys s0 .. s0+nt, in groups of two vectors of keys. */
    private static void scores(float[] qp, int qBase, float[] kt, int ktBase, int s0, int nt, int D, float[] s,
                               int step) {
        int L = F.length();
        for (int c = 0; c < nt; c += KG) {
            int k0 = s0 + c;
            int at0 = ktBase + (k0 / TILE) * TILE * D + k0 % TILE;
            if (WIDE) {
                scores4x4(qp, qBase, kt, at0, TILE * D, D, s, c, step); // one 16-key tile per vector
            } else {
                int k1 = k0 + L;
                int at1 = ktBase + (k1 / TILE) * TILE * D + k1 % TILE;
                scores4x2(qp, qBase, kt, at0, at1, D, s, c, step);
            }
        }
    }

    /**
     * Online softmax of one tile's rows over one key step: masks keys past each row's limit, turns S into
     * P = 2^(S − m_new), rescales the row's O and running sum by 2^(m_old − m_new) (scores are in log2 units: the
     * queries were scaled by log2(e)/√D, so 2^S = e^(q·k/√D)). The running sum l is kept
     * per lane (sc.l, one vector per row) and reduced only at the end. Works on whole vectors: the scores past nt
     * up to the next vector boundary were computed too, and are masked like the rest.
     */
    private static void softmaxTile(Scratch sc, int t, int rows, int s0, int nt, int step, int rowDim) {
        int L = F.length();
        int nv = (nt + L - 1) / L * L;
        float[] s = sc.s;
        float[] o = sc.o;
        for (int r = 0; r < MR; r++) {
            int row = t * MR + r;
            int sOff = r * step;
            if (row >= rows) {
                Arrays.fill(s, sOff, sOff + nt, 0f); // padding row: contributes nothing
                continue;
            }
            int visible = Math.max(0, Math.min(nt, sc.rowLimit[row] - s0));
            if (visible < nv) {
                Arrays.fill(s, sOff + visible, sOff + nv, Float.NEGATIVE_INFINITY);
            }
            FloatVector mx = FloatVector.fromArray(F, s, sOff);
            for (int j = L; j < nv; j += L) {
                mx = mx.max(FloatVector.fromArray(F, s, sOff + j));
            }
            float mOld = sc.m[row];
            float m = Math.max(mOld, mx.reduceLanes(VectorOperators.MAX));
            if (m == Float.NEGATIVE_INFINITY) {
                Arrays.fill(s, sOff, sOff + nv, 0f); // nothing visible yet
                continue;
            }
            FloatVector lv = FloatVector.fromArray(F, sc.l, row * L);
            if (m != mOld && mOld != Float.NEGATIVE_INFINITY) {
                float alpha = (float) Math.exp((mOld - m) * LN2);
                lv = lv.mul(alpha);
                for (int d = row * rowDim; d < (row + 1) * rowDim; d += L) {
                    FloatVector.fromArray(F, o, d).mul(alpha).intoArray(o, d);
                }
            }
            sc.m[row] = m;
            for (int j = 0; j < nv; j += L) {
                // 2^(s − m) ≤ 1 as described at SimdMath.EXP2_LO: k = round(x), 2^(x − k) by polynomial, 2^k by bits
                FloatVector xc = FloatVector.fromArray(F, s, sOff + j).sub(m).max(EXP2_LO);
                FloatVector kPlusMagic = xc.add(ROUND_MAGIC);
                FloatVector frac = xc.sub(kPlusMagic.sub(ROUND_MAGIC));
                FloatVector p = frac.fma(P6, P5);
                p = p.fma(frac, FloatVector.broadcast(F, P4));
                p = p.fma(frac, FloatVector.broadcast(F, P3));
                p = p.fma(frac, FloatVector.broadcast(F, P2));
                p = p.fma(frac, FloatVector.broadcast(F, P1));
                p = p.fma(frac, FloatVector.broadcast(F, 1f));
                FloatVector scale = kPlusMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS - 127)
                        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                p = p.mul(scale);
                p.intoArray(s, sOff + j);
                lv = lv.add(p);
            }
            lv.intoArray(sc.l, row * L);
        }
    }

    /** O[4][0 .. rowDim) += P[4][0 .. nt) · V[nt][rowDim] for one tile, NV vectors of columns at a time. */
    private static void accumulate(float[] p, int step, float[] v, int v0, int rowDim, int nt, float[] o, int oOff) {
        int L = F.length();
        int d = 0;
        if (WIDE) {
            for (; d + 4 * L <= rowDim; d += 4 * L) {
                accumulate4x4(p, step, v, v0 + d, rowDim, nt, o, oOff + d, rowDim);
            }
        }
        for (; d + 2 * L <= rowDim; d += 2 * L) {
            accumulate4x2(p, step, v, v0 + d, rowDim, nt, o, oOff + d, rowDim);
        }
        if (d < rowDim) { // rowDim is a multiple of 16, so at most one vector is left
            accumulate4x1(p, step, v, v0 + d, rowDim, nt, o, oOff + d, rowDim);
        }
    }

    /** out row = O row / l. */
    private static void writeOut(Scratch sc, int rows, int D, int rowDim, float[] out) {
        int L = F.length();
        for (int r = 0; r < rows; r++) {
            float inv = 1f / SimdMath.sum(sc.l, r * L);
            int src = r * rowDim;
            int dst = sc.rowOut[r];
            int i = 0;
            for (int bound = F.loopBound(D); i < bound; i += L) {
                FloatVector.fromArray(F, sc.o, src + i).mul(inv).intoArray(out, dst + i);
            }
            for (; i < D; i++) {
                out[dst + i] = sc.o[src + i] * inv;
            }
        }
    }

    /**
     * S[r][c .. c+4L) = Σ_i Qp[i][r] · Kᵀ[i][keys] for the 4 rows of a tile and four vectors of keys, vector j
     * starting at at0 + j·tileStride (element i is TILE floats further on).
     */
    private static void scores4x4(float[] qp, int qBase, float[] kt, int at0, int tileStride, int D, float[] s,
                                  int c, int sStride) {
        int at1 = at0 + tileStride;
        int at2 = at1 + tileStride;
        int at3 = at2 + tileStride;
        FloatVector s00 = FloatVector.zero(F);
        FloatVector s01 = FloatVector.zero(F);
        FloatVector s02 = FloatVector.zero(F);
        FloatVector s03 = FloatVector.zero(F);
        FloatVector s10 = FloatVector.zero(F);
        FloatVector s11 = FloatVector.zero(F);
        FloatVector s12 = FloatVector.zero(F);
        FloatVector s13 = FloatVector.zero(F);
        FloatVector s20 = FloatVector.zero(F);
        FloatVector s21 = FloatVector.zero(F);
        FloatVector s22 = FloatVector.zero(F);
        FloatVector s23 = FloatVector.zero(F);
        FloatVector s30 = FloatVector.zero(F);
        FloatVector s31 = FloatVector.zero(F);
        FloatVector s32 = FloatVector.zero(F);
        FloatVector s33 = FloatVector.zero(F);
        for (int i = 0; i < D; i++) {
            FloatVector k0 = FloatVector.fromArray(F, kt, at0 + i * TILE);
            FloatVector k1 = FloatVector.fromArray(F, kt, at1 + i * TILE);
            FloatVector k2 = FloatVector.fromArray(F, kt, at2 + i * TILE);
            FloatVector k3 = FloatVector.fromArray(F, kt, at3 + i * TILE);
            int qi = qBase + i * MR;
            FloatVector q = FloatVector.broadcast(F, qp[qi]);
            s00 = k0.fma(q, s00);
            s01 = k1.fma(q, s01);
            s02 = k2.fma(q, s02);
            s03 = k3.fma(q, s03);
            q = FloatVector.broadcast(F, qp[qi + 1]);
            s10 = k0.fma(q, s10);
            s11 = k1.fma(q, s11);
            s12 = k2.fma(q, s12);
            s13 = k3.fma(q, s13);
            q = FloatVector.broadcast(F, qp[qi + 2]);
            s20 = k0.fma(q, s20);
            s21 = k1.fma(q, s21);
            s22 = k2.fma(q, s22);
            s23 = k3.fma(q, s23);
            q = FloatVector.broadcast(F, qp[qi + 3]);
            s30 = k0.fma(q, s30);
            s31 = k1.fma(q, s31);
            s32 = k2.fma(q, s32);
            s33 = k3.fma(q, s33);
        }
        int L = F.length();
        s00.intoArray(s, c);
        s01.intoArray(s, c + L);
        s02.intoArray(s, c + 2 * L);
        s03.intoArray(s, c + 3 * L);
        s10.intoArray(s, sStride + c);
        s11.intoArray(s, sStride + c + L);
        s12.intoArray(s, sStride + c + 2 * L);
        s13.intoArray(s, sStride + c + 3 * L);
        s20.intoArray(s, 2 * sStride + c);
        s21.intoArray(s, 2 * sStride + c + L);
        s22.intoArray(s, 2 * sStride + c + 2 * L);
        s23.intoArray(s, 2 * sStride + c + 3 * L);
        s30.intoArray(s, 3 * sStride + c);
        s31.intoArray(s, 3 * sStride + c + L);
        s32.intoArray(s, 3 * sStride + c + 2 * L);
        s33.intoArray(s, 3 * sStride + c + 3 * L);
    }

    /** O[r][0 .. 4L) += Σ_{j&lt;n} P[r][j] · V[j][0 .. 4L) for the 4 rows of a tile (v at the first row's column d). */
    private static void accumulate4x4(float[] p, int pStride, float[] v, int v0, int vStride, int n, float[] o,
                                      int oOff, int oStride) {
        int L = F.length();
        int o1 = oOff + oStride;
        int o2 = o1 + oStride;
        int o3 = o2 + oStride;
        FloatVector a00 = FloatVector.fromArray(F, o, oOff);
        FloatVector a01 = FloatVector.fromArray(F, o, oOff + L);
        FloatVector a02 = FloatVector.fromArray(F, o, oOff + 2 * L);
        FloatVector a03 = FloatVector.fromArray(F, o, oOff + 3 * L);
        FloatVector a10 = FloatVector.fromArray(F, o, o1);
        FloatVector a11 = FloatVector.fromArray(F, o, o1 + L);
        FloatVector a12 = FloatVector.fromArray(F, o, o1 + 2 * L);
        FloatVector a13 = FloatVector.fromArray(F, o, o1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, o, o2);
        FloatVector a21 = FloatVector.fromArray(F, o, o2 + L);
        FloatVector a22 = FloatVector.fromArray(F, o, o2 + 2 * L);
        FloatVector a23 = FloatVector.fromArray(F, o, o2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(F, o, o3);
        FloatVector a31 = FloatVector.fromArray(F, o, o3 + L);
        FloatVector a32 = FloatVector.fromArray(F, o, o3 + 2 * L);
        FloatVector a33 = FloatVector.fromArray(F, o, o3 + 3 * L);
        for (int j = 0; j < n; j++) {
            int vj = v0 + j * vStride;
            FloatVector x0 = FloatVector.fromArray(F, v, vj);
            FloatVector x1 = FloatVector.fromArray(F, v, vj + L);
            FloatVector x2 = FloatVector.fromArray(F, v, vj + 2 * L);
            FloatVector x3 = FloatVector.fromArray(F, v, vj + 3 * L);
            FloatVector w = FloatVector.broadcast(F, p[j]);
            a00 = x0.fma(w, a00);
            a01 = x1.fma(w, a01);
            a02 = x2.fma(w, a02);
            a03 = x3.fma(w, a03);
            w = FloatVector.broadcast(F, p[pStride + j]);
            a10 = x0.fma(w, a10);
            a11 = x1.fma(w, a11);
            a12 = x2.fma(w, a12);
            a13 = x3.fma(w, a13);
            w = FloatVector.broadcast(F, p[2 * pStride + j]);
            a20 = x0.fma(w, a20);
            a21 = x1.fma(w, a21);
            a22 = x2.fma(w, a22);
            a23 = x3.fma(w, a23);
            w = FloatVector.broadcast(F, p[3 * pStride + j]);
            a30 = x0.fma(w, a30);
            a31 = x1.fma(w, a31);
            a32 = x2.fma(w, a32);
            a33 = x3.fma(w, a33);
        }
        a00.intoArray(o, oOff);
        a01.intoArray(o, oOff + L);
        a02.intoArray(o, oOff + 2 * L);
        a03.intoArray(o, oOff + 3 * L);
        a10.intoArray(o, o1);
        a11.intoArray(o, o1 + L);
        a12.intoArray(o, o1 + 2 * L);
        a13.intoArray(o, o1 + 3 * L);
        a20.intoArray(o, o2);
        a21.intoArray(o, o2 + L);
        a22.intoArray(o, o2 + 2 * L);
        a23.intoArray(o, o2 + 3 * L);
        a30.intoArray(o, o3);
        a31.intoArray(o, o3 + L);
        a32.intoArray(o, o3 + 2 * L);
        a33.intoArray(o, o3 + 3 * L);
    }

    /**
     * S[r][c .. c+2L) = Σ_i Qp[i][r] · Kᵀ[i][keys] for the 4 rows of a tile: at0 / at1 index element 0 of the two
     * key vectors in the transposed tiles (element i is TILE floats further on).
     */
    private static void scores4x2(float[] qp, int qBase, float[] kt, int at0, int at1, int D, float[] s, int c,
                                  int sStride) {
        FloatVector s00 = FloatVector.zero(F);
        FloatVector s01 = FloatVector.zero(F);
        FloatVector s10 = FloatVector.zero(F);
        FloatVector s11 = FloatVector.zero(F);
        FloatVector s20 = FloatVector.zero(F);
        FloatVector s21 = FloatVector.zero(F);
        FloatVector s30 = FloatVector.zero(F);
        FloatVector s31 = FloatVector.zero(F);
        for (int i = 0; i < D; i++) {
            FloatVector k0 = FloatVector.fromArray(F, kt, at0 + i * TILE);
            FloatVector k1 = FloatVector.fromArray(F, kt, at1 + i * TILE);
            int qi = qBase + i * MR;
            FloatVector q0 = FloatVector.broadcast(F, qp[qi]);
            s00 = k0.fma(q0, s00);
            s01 = k1.fma(q0, s01);
            FloatVector q1 = FloatVector.broadcast(F, qp[qi + 1]);
            s10 = k0.fma(q1, s10);
            s11 = k1.fma(q1, s11);
            FloatVector q2 = FloatVector.broadcast(F, qp[qi + 2]);
            s20 = k0.fma(q2, s20);
            s21 = k1.fma(q2, s21);
            FloatVector q3 = FloatVector.broadcast(F, qp[qi + 3]);
            s30 = k0.fma(q3, s30);
            s31 = k1.fma(q3, s31);
        }
        int L = F.length();
        s00.intoArray(s, c);
        s01.intoArray(s, c + L);
        s10.intoArray(s, sStride + c);
        s11.intoArray(s, sStride + c + L);
        s20.intoArray(s, 2 * sStride + c);
        s21.intoArray(s, 2 * sStride + c + L);
        s30.intoArray(s, 3 * sStride + c);
        s31.intoArray(s, 3 * sStride + c + L);
    }

    /** O[r][0 .. 2L) += Σ_{j&lt;n} P[r][j] · V[j][0 .. 2L) for the 4 rows of a tile (v at the first row's column d). */
    private static void accumulate4x2(float[] p, int pStride, float[] v, int v0, int vStride, int n, float[] o,
                                      int oOff, int oStride) {
        int L = F.length();
        FloatVector o00 = FloatVector.fromArray(F, o, oOff);
        FloatVector o01 = FloatVector.fromArray(F, o, oOff + L);
        FloatVector o10 = FloatVector.fromArray(F, o, oOff + oStride);
        FloatVector o11 = FloatVector.fromArray(F, o, oOff + oStride + L);
        FloatVector o20 = FloatVector.fromArray(F, o, oOff + 2 * oStride);
        FloatVector o21 = FloatVector.fromArray(F, o, oOff + 2 * oStride + L);
        FloatVector o30 = FloatVector.fromArray(F, o, oOff + 3 * oStride);
        FloatVector o31 = FloatVector.fromArray(F, o, oOff + 3 * oStride + L);
        for (int j = 0; j < n; j++) {
            int vj = v0 + j * vStride;
            FloatVector x0 = FloatVector.fromArray(F, v, vj);
            FloatVector x1 = FloatVector.fromArray(F, v, vj + L);
            FloatVector p0 = FloatVector.broadcast(F, p[j]);
            o00 = x0.fma(p0, o00);
            o01 = x1.fma(p0, o01);
            FloatVector p1 = FloatVector.broadcast(F, p[pStride + j]);
            o10 = x0.fma(p1, o10);
            o11 = x1.fma(p1, o11);
            FloatVector p2 = FloatVector.broadcast(F, p[2 * pStride + j]);
            o20 = x0.fma(p2, o20);
            o21 = x1.fma(p2, o21);
            FloatVector p3 = FloatVector.broadcast(F, p[3 * pStride + j]);
            o30 = x0.fma(p3, o30);
            o31 = x1.fma(p3, o31);
        }
        o00.intoArray(o, oOff);
        o01.intoArray(o, oOff + L);
        o10.intoArray(o, oOff + oStride);
        o11.intoArray(o, oOff + oStride + L);
        o20.intoArray(o, oOff + 2 * oStride);
        o21.intoArray(o, oOff + 2 * oStride + L);
        o30.intoArray(o, oOff + 3 * oStride);
        o31.intoArray(o, oOff + 3 * oStride + L);
    }

    /** As {@link #accumulate4x2} for one vector of columns (the last one when rowDim is an odd number of vectors). */
    private static void accumulate4x1(float[] p, int pStride, float[] v, int v0, int vStride, int n, float[] o,
                                      int oOff, int oStride) {
        FloatVector o0 = FloatVector.fromArray(F, o, oOff);
        FloatVector o1 = FloatVector.fromArray(F, o, oOff + oStride);
        FloatVector o2 = FloatVector.fromArray(F, o, oOff + 2 * oStride);
        FloatVector o3 = FloatVector.fromArray(F, o, oOff + 3 * oStride);
        for (int j = 0; j < n; j++) {
            FloatVector x = FloatVector.fromArray(F, v, v0 + j * vStride);
            o0 = x.fma(FloatVector.broadcast(F, p[j]), o0);
            o1 = x.fma(FloatVector.broadcast(F, p[pStride + j]), o1);
            o2 = x.fma(FloatVector.broadcast(F, p[2 * pStride + j]), o2);
            o3 = x.fma(FloatVector.broadcast(F, p[3 * pStride + j]), o3);
        }
        o0.intoArray(o, oOff);
        o1.intoArray(o, oOff + oStride);
        o2.intoArray(o, oOff + 2 * oStride);
        o3.intoArray(o, oOff + 3 * oStride);
    }

    /**
     * Dequantises keys s0 .. s0+n (rounded up to whole key groups) and values s0 .. s0+n of one KV head of an int8
     * cache into sc.kt (same transposed-tile layout, tile 0 = key s0) and sc.v (rows of rowDim).
     */
    private static void dequantizeStep(Scratch sc, KvCache cache, int layer, int kvh, int s0, int n, int D,
                                       int rowDim) {
        int keys = (n + KG - 1) / KG * KG;
        int tiles = (keys + TILE - 1) / TILE;
        sc.ensurePacked(tiles * TILE * D, n * rowDim);
        sc.packedCall = -1; // the buffers no longer hold a packed head
        byte[] kq = cache.keysI8(layer);
        float[] ks = cache.keyScales(layer);
        byte[] vq = cache.valuesI8(layer);
        float[] vs = cache.valueScales(layer);
        float[] kt = sc.kt;
        float[] v = sc.v;
        int L = F.length();
        for (int t = 0; t < tiles; t++) {
            int src = cache.keyIndex(kvh, s0 + t * TILE, 0);
            int dst = t * TILE * D;
            int scale0 = cache.scaleIndex(kvh, s0 + t * TILE);
            for (int lane = 0; lane < TILE; lane += L) {
                FloatVector scale = FloatVector.fromArray(F, ks, scale0 + lane);
                for (int i = 0; i < D; i++) {
                    int at = i * TILE + lane;
                    widen(kq, src + at).mul(scale).intoArray(kt, dst + at);
                }
            }
        }
        for (int j = 0; j < n; j++) {
            int src = cache.valueIndex(kvh, s0 + j, 0);
            float scale = vs[cache.scaleIndex(kvh, s0 + j)];
            for (int d = 0; d < rowDim; d += L) {
                widen(vq, src + d).mul(scale).intoArray(v, j * rowDim + d);
            }
        }
    }

    /** L int8 values from q[at] as floats. */
    private static FloatVector widen(byte[] q, int at) {
        return (FloatVector) ByteVector.fromArray(B, q, at).convertShape(VectorOperators.B2F, F, 0);
    }

    /** Per-thread buffers, grown on demand and kept. */
    private static final class Scratch {
        float[] q = new float[0];
        float[] s = new float[0];
        float[] o = new float[0];
        float[] m = new float[0];
        float[] l = new float[0];
        int rowDim;
        float[] kt = new float[0];
        float[] v = new float[0];
        int[] rowQ = new int[QB];
        int[] rowOut = new int[QB];
        int[] rowLimit = new int[QB];
        int[] tileLimit = new int[QB / MR];
        long packedCall = -1;
        int packedHead = -1;

        void ensure(int rows, int D, int rowDim, int step) {
            int tileRows = (rows + MR - 1) / MR * MR;
            if (q.length < tileRows * D) {
                q = new float[QB * D];
            }
            if (s.length < MR * step) {
                s = new float[MR * step];
            }
            if (o.length < tileRows * rowDim) {
                o = new float[QB * rowDim];
            }
            if (m.length < tileRows) {
                m = new float[QB];
                l = new float[QB * F.length()];
            }
            this.rowDim = rowDim;
        }

        void ensurePacked(int keyFloats, int valueFloats) {
            if (kt.length < keyFloats) {
                kt = new float[keyFloats];
                packedCall = -1;
            }
            if (v.length < valueFloats) {
                v = new float[valueFloats];
                packedCall = -1;
            }
        }
    }
}
