package org.visionpangu4j.kernels;

import org.visionpangu4j.core.parallel.WorkerPool;

/** Matrix products with a weight matrix, split over the worker pool by output rows. */
public final class MatMul {
    private MatMul() {
    }

    /**
     * GEMV: W[d,n] · x[n] (+ b[d]) → y[d]; with {@code accumulate}, y += instead of y =.
     * {@code bias} may be null.
     */
    public static void gemv(WorkerPool pool, WeightMatrix w, float[] x, float[] bias, float[] y, boolean accumulate) {
        gemm(pool, w, x, 1, bias, y, accumulate);
    }

    /**
     * GEMM: X[m,n] · W[d,n]ᵀ (+ b[d]) → Y[m,d]; with {@code accumulate}, Y += instead of Y =.
     * X and Y are row-major with row strides n and d. {@code bias} may be null.
     */
    public static void gemm(WorkerPool pool, WeightMatrix w, float[] x, int m, float[] bias, float[] y, boolean accumulate) {
        int d = w.rows();
        int n = w.cols();
        pool.parallelFor(0, d, 16, (r0, r1) -> {
            for (int i = 0; i < m; i++) {
                int xOff = i * n;
                int yOff = i * d;
                for (int r = r0; r < r1; r++) {
                    float v = w.dot(r, x, xOff);
                    if (bias != null) {
                        v += bias[r];
                    }
                    y[yOff + r] = accumulate ? y[yOff + r] + v : v;
                }
            }
        });
    }
}
