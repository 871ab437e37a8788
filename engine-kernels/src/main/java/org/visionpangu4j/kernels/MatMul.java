package org.visionpangu4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.visionpangu4j.core.parallel.WorkerPool;

/**
 * Matrix products with a weight matrix W[d, n] (one row per output), split over the worker pool by output
 * columns.
 *
 * <p><b>GEMV</b> (one activation row, decode) streams W once: each thread takes a contiguous range of rows and the
 * format's {@link WeightMatrix#gemvRows} kernel runs several rows per pass (up to four, by format and width) so every
 * x load feeds several FMAs, with two accumulators per row where the format's widening is cheap.
 *
 * <p><b>GEMM</b> (many rows: prefill, vision) is a packed, cache-blocked, register-tiled product (GotoBLAS
 * structure). X is packed once per call into MR-row panels, k-major (shared by all threads). Each thread owns a
 * range of output columns; for each block of NC columns and KC inputs it decodes W (any format) to F32 and packs it
 * transposed into P = NR·L-column panels, k-major, so one weight element is dequantized once per call however
 * large m is. The micro-kernel keeps an MR × P tile of Y in MR·NR vector registers and, per k, loads NR vectors of
 * the W panel and broadcasts MR elements of the X panel: MR·NR FMAs per MR + NR loads. The W panel (KC·P floats)
 * stays in L1 while the X panels of an MC-row block stream from L2. Edges (m, d not multiples of MR, P; n not a
 * multiple of KC) use zero-padded panels and a scalar write-back of the valid part. For m < {@link #GEMM_MIN_M}
 * packing does not pay: each row block of W is reused from cache across the m GEMV passes instead.
 */
public final class MatMul {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();
    /** Micro-tile: MR rows of X × NR vectors of outputs. */
    static final int MR = 6;
    static final int NR = 2;
    /** Output columns per W panel. */
    static final int P = NR * L;
    /** K block: a multiple of the quant block size (32) so panels decode whole blocks. */
    static final int KC = 256;
    /** X rows per L2 block (multiple of MR). */
    static final int MC = 44 * MR;
    /** W columns per packed block (multiple of P): bounds the per-thread panel buffer to NC·KC floats. */
    static final int NC = 2048;
    /** Below this many rows, GEMM runs as repeated GEMV over cache-sized row blocks of W. */
    static final int GEMM_MIN_M = 4;
    /** Gather offsets of L consecutive rows of the decode buffer (row stride KC). */
    private static final int[] GATHER = new int[L];

    static {
        for (int i = 0; i < L; i++) {
            GATHER[i] = i * KC;
        }
    }

    /** Rows of W per GEMV-style block in the small-m path. */
    private static final int SMALL_M_ROWS = 16;

    private MatMul() {
    }

    /**
     * GEMV: W[d,n] · x[n] (+ b[d]) → y[d]; with {@code accumulate}, y += instead of y =.
     * {@code bias} may be null.
     */
    public static void gemv(WorkerPool pool, WeightMatrix w, float[] x, float[] bias, float[] y, boolean accumulate) {
        check(w, x, 1, bias, y);
        pool.parallelFor(0, w.rows(), 16, (r0, r1) -> w.gemvRows(r0, r1, x, 0, bias, y, 0, accumulate));
    }

    /**
     * GEMM: X[m,n] · W[d,n]ᵀ (+ b[d]) → Y[m,d]; with {@code accumulate}, Y += instead of Y =.
     * X and Y are row-major with row strides n and d. {@code bias} may be null.
     */
    public static void gemm(WorkerPool pool, WeightMatrix w, float[] x, int m, float[] bias, float[] y, boolean accumulate) {
        check(w, x, m, bias, y);
        if (m == 0) {
            return;
        }
        if (m < GEMM_MIN_M) {
            smallM(pool, w, x, m, bias, y, accumulate);
            return;
        }
        int n = w.cols();
        int mp = roundUp(m, MR);
        float[] xp = Scratch.get().packedX(Math.multiplyExact(mp, n));
        pool.parallelFor(0, mp / MR, 1, (p0, p1) -> packX(x, m, n, xp, mp, p0, p1));
        pool.parallelFor(0, w.rows(), P, (c0, c1) -> gemmColumns(w, xp, m, mp, bias, y, accumulate, c0, c1));
    }

    private static void check(WeightMatrix w, float[] x, int m, float[] bias, float[] y) {
        if (m < 0) {
            throw new IllegalArgumentException(w + ": negative row count m = " + m);
        }
        w.checkVector("x", x, 0, Math.multiplyExact(m, w.cols()));
        w.checkVector("y", y, 0, Math.multiplyExact(m, w.rows()));
        if (bias != null) {
            w.checkVector("bias", bias, 0, w.rows());
        }
    }

    private static int roundUp(int v, int k) {
        return (v + k - 1) / k * k;
    }

    // Few rows: for each block of W rows (hot in L1/L2 after the first pass), one GEMV pass per X row.
    private static void smallM(WorkerPool pool, WeightMatrix w, float[] x, int m, float[] bias, float[] y, boolean accumulate) {
        int n = w.cols();
        int d = w.rows();
        pool.parallelFor(0, d, SMALL_M_ROWS, (r0, r1) -> {
            for (int r = r0; r < r1; r += SMALL_M_ROWS) {
                int re = Math.min(r1, r + SMALL_M_ROWS);
                for (int i = 0; i < m; i++) {
                    w.gemvRows(r, re, x, i * n, bias, y, i * d, accumulate);
                }
            }
        });
    }

    // X[m, n] → xp: for each K block [k0, k0+kc) a region of mp·kc floats at mp·k0, holding MR-row panels
    // (panel p at p·MR·kc), each k-major: element (row p·MR + i, k0 + k) at k·MR + i. Rows ≥ m are zero.
    private static void packX(float[] x, int m, int n, float[] xp, int mp, int p0, int p1) {
        for (int k0 = 0; k0 < n; k0 += KC) {
            int kc = Math.min(KC, n - k0);
            for (int p = p0; p < p1; p++) {
                int dst = mp * k0 + p * MR * kc;
                int rows = Math.min(MR, m - p * MR);
                if (rows < MR) {
                    java.util.Arrays.fill(xp, dst, dst + MR * kc, 0f);
                }
                for (int i = 0; i < rows; i++) {
                    int src = (p * MR + i) * n + k0;
                    for (int k = 0; k < kc; k++) {
                        xp[dst + k * MR + i] = x[src + k];
                    }
                }
            }
        }
    }

    // One thread's output columns [c0, c1): pack W blocks, run the micro-kernel over all of X.
    private static void gemmColumns(WeightMatrix w, float[] xp, int m, int mp, float[] bias, float[] y,
                                    boolean accumulate, int c0, int c1) {
        int n = w.cols();
        int d = w.rows();
        Scratch s = Scratch.get();
        for (int j0 = c0; j0 < c1; j0 += NC) {
            int nc = Math.min(NC, c1 - j0);
            int panels = (nc + P - 1) / P;
            for (int k0 = 0; k0 < n; k0 += KC) {
                int kc = Math.min(KC, n - k0);
                float[] wp = s.packedW(panels * P * kc);
                packW(w, j0, nc, k0, kc, wp, s);
                boolean first = k0 == 0;
                for (int i0 = 0; i0 < m; i0 += MC) {
                    int mc = Math.min(MC, m - i0);
                    for (int jp = 0; jp < panels; jp++) {
                        int j = j0 + jp * P;
                        int cols = Math.min(P, d - j);
                        for (int i = i0; i < i0 + mc; i += MR) {
                            int rws = Math.min(MR, m - i);
                            int yo = i * d + j;
                            boolean load = !first || accumulate || bias != null;
                            if (rws == MR && cols == P) { // full tile: accumulate in Y itself
                                if (first && bias != null) {
                                    addBias(y, yo, d, bias, j, accumulate);
                                }
                                kernel(xp, mp * k0 + i * kc, wp, jp * P * kc, kc, y, yo, d, load);
                            } else { // edge tile: the same arithmetic on a copy of its valid part
                                edgeIn(s.tile, y, yo, d, bias, j, first, accumulate, load, rws, cols);
                                kernel(xp, mp * k0 + i * kc, wp, jp * P * kc, kc, s.tile, 0, P, load);
                                edgeOut(s.tile, y, yo, d, rws, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    // W[j0 .. j0+nc, k0 .. k0+kc) → wp: panel q (columns j0 + q·P ..) at q·P·kc, k-major: (k, j) at k·P + j.
    // Columns ≥ nc are zero. The P rows of a panel are first decoded row-major (row stride KC), then each
    // k-slice of L outputs is one gather (stride KC) and one contiguous store: the transpose costs a fraction of a
    // cycle per element instead of a scalar store each.
    private static void packW(WeightMatrix w, int j0, int nc, int k0, int kc, float[] wp, Scratch s) {
        float[] rows = s.rows();
        int panels = (nc + P - 1) / P;
        for (int q = 0; q < panels; q++) {
            int valid = Math.min(P, nc - q * P);
            w.decodeRows(j0 + q * P, valid, k0, kc, rows, 0, KC);
            if (valid < P) {
                java.util.Arrays.fill(rows, valid * KC, P * KC, 0f);
            }
            int base = q * P * kc;
            for (int k = 0; k < kc; k++) {
                for (int v = 0; v < NR; v++) {
                    FloatVector.fromArray(F, rows, v * L * KC + k, GATHER, 0).intoArray(wp, base + k * P + v * L);
                }
            }
        }
    }

    /**
     * C[MR × P] (+)= Xpanel[kc × MR]ᵀ · Wpanel[kc × P], C at c[co + i·ldc + j]: MR × NR accumulators in registers,
     * started from C when {@code load}, else from zero. Full tiles accumulate straight into Y (ldc = d), so the
     * K blocks after the first add to Y without a separate write-back pass; edge tiles go through a scratch tile
     * (ldc = P). Vectors stay inside this method so that none is passed to a method C2 might not inline: a vector
     * argument of a call that is not inlined is boxed on the heap.
     */
    static void kernel(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load) {
            c00 = FloatVector.fromArray(F, c, co);
            c01 = FloatVector.fromArray(F, c, co + L);
            c10 = FloatVector.fromArray(F, c, co + ldc);
            c11 = FloatVector.fromArray(F, c, co + ldc + L);
            c20 = FloatVector.fromArray(F, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(F, c, co + 2 * ldc + L);
            c30 = FloatVector.fromArray(F, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(F, c, co + 3 * ldc + L);
            c40 = FloatVector.fromArray(F, c, co + 4 * ldc);
            c41 = FloatVector.fromArray(F, c, co + 4 * ldc + L);
            c50 = FloatVector.fromArray(F, c, co + 5 * ldc);
            c51 = FloatVector.fromArray(F, c, co + 5 * ldc + L);
        } else {
            c00 = FloatVector.zero(F);
            c01 = c00;
            c10 = c00;
            c11 = c00;
            c20 = c00;
            c21 = c00;
            c30 = c00;
            c31 = c00;
            c40 = c00;
            c41 = c00;
            c50 = c00;
            c51 = c00;
        }
        int k = 0;
        int kEven = kc & ~1;
        for (; k < kEven; k += 2) { // two k per iteration halves the loop overhead (C2 does not unroll this body)
            int bk = bo + k * P;
            int ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(F, b, bk);
            FloatVector b1 = FloatVector.fromArray(F, b, bk + L);
            FloatVector x = FloatVector.broadcast(F, a[ak]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(F, a[ak + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(F, a[ak + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(F, a[ak + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(F, a[ak + 4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(F, a[ak + 5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
            b0 = FloatVector.fromArray(F, b, bk + P);
            b1 = FloatVector.fromArray(F, b, bk + P + L);
            x = FloatVector.broadcast(F, a[ak + MR]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(F, a[ak + MR + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(F, a[ak + MR + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(F, a[ak + MR + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(F, a[ak + MR + 4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(F, a[ak + MR + 5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
        }
        for (; k < kc; k++) {
            int bk = bo + k * P;
            int ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(F, b, bk);
            FloatVector b1 = FloatVector.fromArray(F, b, bk + L);
            FloatVector x = FloatVector.broadcast(F, a[ak]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(F, a[ak + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(F, a[ak + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(F, a[ak + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(F, a[ak + 4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(F, a[ak + 5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
    }

    /** Y[MR rows from yo, P columns] = (accumulate ? Y : 0) + b[j .. j+P): a full tile's start before its first K block. */
    private static void addBias(float[] y, int yo, int d, float[] bias, int j, boolean accumulate) {
        for (int i = 0; i < MR; i++) {
            for (int v = 0; v < P; v += L) {
                int yi = yo + i * d + v;
                FloatVector b = FloatVector.fromArray(F, bias, j + v);
                (accumulate ? b.add(FloatVector.fromArray(F, y, yi)) : b).intoArray(y, yi);
            }
        }
    }

    /**
     * An edge tile's start: the tile gets what a full tile would start from (Y, with the bias added before the first
     * K block), zeros outside the valid rws × cols, so every element of Y sees the same float operations in the same
     * order whether it lies in a full or an edge tile (results do not depend on how rows are batched).
     */
    private static void edgeIn(float[] tile, float[] y, int yo, int d, float[] bias, int j, boolean first,
                               boolean accumulate, boolean load, int rws, int cols) {
        java.util.Arrays.fill(tile, 0f);
        if (!load) {
            return;
        }
        for (int i = 0; i < rws; i++) {
            for (int jj = 0; jj < cols; jj++) {
                int yi = yo + i * d + jj;
                float v;
                if (first && bias != null) {
                    v = accumulate ? bias[j + jj] + y[yi] : bias[j + jj];
                } else {
                    v = y[yi]; // load without a bias: a later K block, or accumulating into Y
                }
                tile[i * P + jj] = v;
            }
        }
    }

    /** Y[valid rws × cols of the tile] = tile. */
    private static void edgeOut(float[] tile, float[] y, int yo, int d, int rws, int cols) {
        for (int i = 0; i < rws; i++) {
            System.arraycopy(tile, i * P, y, yo + i * d, cols);
        }
    }

    /** Per-thread buffers, grown on demand and kept: pool threads are persistent, so steady state allocates nothing. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
        final float[] tile = new float[MR * P];
        private float[] x = new float[0];
        private float[] w = new float[0];
        private final float[] rows = new float[P * KC];

        static Scratch get() {
            return LOCAL.get();
        }

        float[] packedX(int size) {
            if (x.length < size) {
                x = new float[size];
            }
            return x;
        }

        float[] packedW(int size) {
            if (w.length < size) {
                w = new float[size];
            }
            return w;
        }

        float[] rows() {
            return rows;
        }
    }
}
