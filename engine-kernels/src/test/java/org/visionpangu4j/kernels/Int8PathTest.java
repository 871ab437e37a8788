package org.visionpangu4j.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.parallel.WorkerPool;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integer compute path of Q8_0/Q4_0 GEMV (x quantized to int8 per block). Its exact answer is W·x̂ with x̂ the
 * dequantized activations, so it is checked against that double reference with {@link Matrices#bound}; x̂ itself
 * is within d_x/2 of x per element.
 */
class Int8PathTest {
    private static final WorkerPool POOL = new WorkerPool(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    @Test
    void activationQuantizationIsWithinHalfAStep() {
        Random rnd = new Random(1);
        float[] x = Matrices.gaussian(rnd, 100, 3f);
        Int8Activations xa = new Int8Activations();
        xa.quantize(x, 0, 100);
        assertEquals(4, xa.blocks);
        for (int c = 0; c < 128; c++) {
            int b = c / 32;
            if (c >= 100) {
                assertEquals(0, xa.q[c], "padding is zero");
            } else {
                assertTrue(Math.abs(x[c] - xa.q[c] * xa.d[b]) <= xa.d[b] / 2 * (1 + 1e-5), "element " + c);
            }
        }
    }

    @Test
    void integerGemvMatchesReferenceOnQuantizedActivations() {
        Random rnd = new Random(2);
        try (Arena arena = Arena.ofShared()) {
            for (WeightFormat format : new WeightFormat[] {WeightFormat.Q8_0, WeightFormat.Q4_0}) {
                for (int[] dn : new int[][] {{1, 1}, {7, 31}, {13, 33}, {40, 257}, {9, 1000}}) {
                    int d = dn[0];
                    int n = dn[1];
                    WeightMatrix w = Matrices.random(arena, POOL, format, d, n, d * 13L + n);
                    float[] x = Matrices.gaussian(rnd, n, 1f);
                    Int8Activations xa = new Int8Activations();
                    xa.quantize(x, 0, n);
                    float[] xh = new float[n];
                    for (int c = 0; c < n; c++) {
                        xh[c] = xa.q[c] * xa.d[c / 32];
                    }
                    float[] bias = Matrices.gaussian(rnd, d, 1f);
                    float[] y0 = Matrices.gaussian(rnd, d, 1f);
                    float[] y = y0.clone();
                    if (w instanceof Q8_0Matrix q8) {
                        q8.gemvRowsInt8(0, d, xa, bias, y, 0, true);
                    } else {
                        ((Q4_0Matrix) w).gemvRowsInt8(0, d, xa, bias, y, 0, true);
                    }
                    for (int r = 0; r < d; r++) {
                        double ref = Matrices.dot(w, r, xh, 0) + bias[r] + y0[r];
                        double tol = Matrices.bound(n, Matrices.absDot(w, r, xh, 0) + Math.abs(bias[r]) + Math.abs(y0[r]));
                        assertTrue(Math.abs(y[r] - ref) <= tol, w + " row " + r + ": " + y[r] + " vs " + ref + " ± " + tol);
                    }
                }
            }
        }
    }
}
