package org.visionpangu4j.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.visionpangu4j.core.parallel.WorkerPool;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * GEMV and GEMM for every format against a naive double reference built from {@code get}, with and without bias
 * and accumulate, at sizes that are not multiples of the lane count, the micro-tile or the cache blocks.
 * Tolerance: {@link Matrices#bound}, a relative bound on the magnitudes the kernel sums ({@link Matrices#absTerms},
 * Σ|W·x| for most formats) plus |b| + |y₀|, justified there.
 */
class MatMulTest {
    private static final int[] M = {1, 3, 17, 70};
    private static final int[][] DN = {{1, 1}, {33, 31}, {31, 33}, {40, 257}, {100, 1000}};
    private static final WorkerPool POOL = new WorkerPool(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    /** Checks Y = X·Wᵀ (+b) (+Y₀) row by row against the double reference. */
    private static void verify(WeightMatrix w, float[] x, int m, float[] bias, float[] y0, float[] y, String what) {
        int d = w.rows();
        int n = w.cols();
        double[][] wd = Matrices.dense(w);
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < d; r++) {
                double ref = 0;
                for (int c = 0; c < n; c++) {
                    ref += wd[r][c] * x[i * n + c];
                }
                double abs = Matrices.absTerms(w, r, x, i * n);
                if (bias != null) {
                    ref += bias[r];
                    abs += Math.abs(bias[r]);
                }
                if (y0 != null) {
                    ref += y0[i * d + r];
                    abs += Math.abs(y0[i * d + r]);
                }
                double got = y[i * d + r];
                double tol = Matrices.bound(Matrices.termCount(w), abs);
                if (!(Math.abs(got - ref) <= tol)) {
                    fail(what + " " + w + " m=" + m + " Y[" + i + ", " + r + "] = " + got + ", expected " + ref + " ± " + tol);
                }
            }
        }
    }

    private static void run(WeightMatrix w, float[] x, int m, Random rnd, boolean gemv) {
        int d = w.rows();
        for (boolean withBias : new boolean[] {false, true}) {
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] bias = withBias ? Matrices.gaussian(rnd, d, 1f) : null;
                float[] y0 = Matrices.gaussian(rnd, m * d, 1f);
                float[] y = y0.clone();
                if (gemv) {
                    MatMul.gemv(POOL, w, x, bias, y, accumulate);
                } else {
                    MatMul.gemm(POOL, w, x, m, bias, y, accumulate);
                }
                verify(w, x, m, bias, accumulate ? y0 : null, y, (gemv ? "gemv" : "gemm") + " bias=" + withBias + " acc=" + accumulate);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WeightFormat.class)
    void gemvMatchesReference(WeightFormat format) {
        Random rnd = new Random(1);
        try (Arena arena = Arena.ofShared()) {
            for (int[] dn : DN) {
                WeightMatrix w = Matrices.random(arena, POOL, format, dn[0], dn[1], dn[0] * 7919L + dn[1]);
                run(w, Matrices.gaussian(rnd, dn[1], 1f), 1, rnd, true);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WeightFormat.class)
    void gemmMatchesReference(WeightFormat format) {
        Random rnd = new Random(2);
        try (Arena arena = Arena.ofShared()) {
            for (int[] dn : DN) {
                WeightMatrix w = Matrices.random(arena, POOL, format, dn[0], dn[1], dn[0] * 31L + dn[1]);
                for (int m : M) {
                    run(w, Matrices.gaussian(rnd, m * dn[1], 1f), m, rnd, false);
                }
            }
        }
    }

    /** Crosses every cache block boundary: m > MC, n > 2·KC with a tail, d > NC with a partial panel. */
    @Test
    void gemmAcrossCacheBlocks() {
        Random rnd = new Random(3);
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix w = Matrices.random(arena, POOL, WeightFormat.Q8_0, 37, 2 * MatMul.KC + 45, 5);
            int m = MatMul.MC + MatMul.MR + 1;
            run(w, Matrices.gaussian(rnd, m * w.cols(), 1f), m, rnd, false);
            WeightMatrix wide = Matrices.random(arena, POOL, WeightFormat.BF16, MatMul.NC + MatMul.P + 3, 40, 6);
            run(wide, Matrices.gaussian(rnd, 9 * 40, 1f), 9, rnd, false);
        }
    }

    /** A row's result does not depend on the batch around it (full and edge tiles do the same arithmetic). */
    @Test
    void gemmRowsDoNotDependOnTheBatch() {
        Random rnd = new Random(5);
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix w = Matrices.random(arena, POOL, WeightFormat.BF16, 2 * MatMul.P + 5, 2 * MatMul.KC + 17, 11);
            int n = w.cols();
            int d = w.rows();
            int m = 4 * MatMul.MR + 3;
            float[] x = Matrices.gaussian(rnd, m * n, 1f);
            float[] bias = Matrices.gaussian(rnd, d, 1f);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] y0 = Matrices.gaussian(rnd, m * d, 1f);
                float[] all = y0.clone();
                MatMul.gemm(POOL, w, x, m, bias, all, accumulate);
                for (int skip : new int[] {1, MatMul.MR - 1, MatMul.MR + 2}) {
                    int rows = m - skip;
                    float[] part = java.util.Arrays.copyOfRange(y0, skip * d, m * d);
                    MatMul.gemm(POOL, w, java.util.Arrays.copyOfRange(x, skip * n, m * n), rows, bias, part, accumulate);
                    for (int i = 0; i < rows * d; i++) {
                        if (Float.floatToRawIntBits(part[i]) != Float.floatToRawIntBits(all[skip * d + i])) {
                            fail("acc=" + accumulate + " skip " + skip + ": Y[" + (skip + i / d) + ", " + (i % d) + "] = "
                                    + part[i] + " in a batch of " + rows + " but " + all[skip * d + i] + " in one of " + m);
                        }
                    }
                }
            }
        }
    }

    @Test
    void singleThreadPoolGivesTheSameResults() {
        Random rnd = new Random(4);
        try (Arena arena = Arena.ofShared(); WorkerPool one = new WorkerPool(1)) {
            WeightMatrix w = Matrices.random(arena, one, WeightFormat.Q4_0, 50, 96, 9);
            float[] x = Matrices.gaussian(rnd, 20 * 96, 1f);
            float[] y = new float[20 * 50];
            MatMul.gemm(one, w, x, 20, null, y, false);
            verify(w, x, 20, null, null, y, "gemm 1 thread");
        }
    }

    @Test
    void wrongSizesAreRejected() {
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix w = Matrices.random(arena, POOL, WeightFormat.F32, 8, 16, 1);
            assertThrows(IllegalArgumentException.class, () -> MatMul.gemv(POOL, w, new float[15], null, new float[8], false));
            assertThrows(IllegalArgumentException.class, () -> MatMul.gemv(POOL, w, new float[16], null, new float[7], false));
            assertThrows(IllegalArgumentException.class, () -> MatMul.gemv(POOL, w, new float[16], new float[7], new float[8], false));
            assertThrows(IllegalArgumentException.class, () -> MatMul.gemm(POOL, w, new float[16 * 4], 5, null, new float[40], false));
            assertThrows(IllegalArgumentException.class, () -> MatMul.gemm(POOL, w, new float[16], -1, null, new float[8], false));
        }
    }
}
