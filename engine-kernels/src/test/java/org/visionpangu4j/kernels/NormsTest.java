package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.kernels.reference.ScalarNorms;

class NormsTest {
    // Both twins compute the same formula in fp32 but sum in different orders (lane-parallel vs serial): the
    // sums agree to ~√n·u typically and n·u at worst (u = 2^-24), which moves rsqrt by half that. Outputs are
    // then x·inv·w (+b): a few more roundings. 2e-6 + n·u relative (plus a tiny absolute floor for outputs that
    // cancel to ~0 in LayerNorm) holds every case and is far below any real bug (wrong eps, biased/unbiased
    // variance, missing weight: ≥ 1e-3).
    private static double rel(int n) {
        return 2e-6 + n * 0x1p-24;
    }

    @Test
    void rmsnormMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int n : TestData.LENGTHS) {
            float[] x = TestData.gaussian(rnd, n + 3, 0.2, 2);
            float[] w = TestData.uniform(rnd, n, 0.5f, 1.5f);
            float[] e = new float[n + 1];
            float[] v = new float[n + 1];
            ScalarNorms.rmsnorm(e, 1, x, 3, w, n, 1e-5f);
            Norms.rmsnorm(v, 1, x, 3, w, n, 1e-5f);
            TestData.assertClose("rmsnorm n=" + n, e, v, 1e-30, rel(n));
            assertEquals(0f, v[0]);
            // In place (out aliases x).
            float[] inPlace = x.clone();
            Norms.rmsnorm(inPlace, 3, inPlace, 3, w, n, 1e-5f);
            TestData.assertClose("rmsnorm in place n=" + n, v, 1, inPlace, 3, n, 0, 0);
        }
    }

    @Test
    void rmsnormEpsMatters() {
        // A tiny row (like the fixture's deliberately tiny <s> embedding): eps dominates mean(x²).
        float[] x = {1e-4f, -2e-4f, 3e-4f};
        float[] w = {1f, 1f, 1f};
        float[] out = new float[3];
        Norms.rmsnorm(out, 0, x, 0, w, 3, 1e-5f);
        double inv = 1 / Math.sqrt((1e-8 + 4e-8 + 9e-8) / 3 + 1e-5);
        // fp32 result vs double formula: a few ulp (1e-6 relative of ~0.03).
        assertEquals(1e-4 * inv, out[0], 3e-8);
        assertEquals(-2e-4 * inv, out[1], 6e-8);
    }

    @Test
    void layernormMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int n : TestData.LENGTHS) {
            float[] x = TestData.gaussian(rnd, n + 1, 3, 2); // nonzero mean: the two-pass variance matters
            float[] w = TestData.uniform(rnd, n, 0.5f, 1.5f);
            float[] b = TestData.uniform(rnd, n, -0.5f, 0.5f);
            float[] e = new float[n];
            float[] v = new float[n];
            ScalarNorms.layernorm(e, 0, x, 1, w, b, n, 1e-6f);
            Norms.layernorm(v, 0, x, 1, w, b, n, 1e-6f);
            // Output ≈ w·z + b with |z| up to ~4: errors are relative to |w·z| + |b|, hence the absolute part.
            TestData.assertClose("layernorm n=" + n, e, v, rel(n) * 6, rel(n));
            float[] inPlace = x.clone();
            Norms.layernorm(inPlace, 1, inPlace, 1, w, b, n, 1e-6f);
            TestData.assertClose("layernorm in place n=" + n, v, 0, inPlace, 1, n, 0, 0);
        }
    }

    @Test
    void layernormUsesBiasedVariance() {
        float[] x = {1f, 2f, 3f, 4f};
        float[] w = {1f, 1f, 1f, 1f};
        float[] b = {0f, 0f, 0f, 10f};
        float[] out = new float[4];
        Norms.layernorm(out, 0, x, 0, w, b, 4, 0f);
        // mean 2.5, biased variance 1.25.
        assertEquals(-1.5 / Math.sqrt(1.25), out[0], 1e-6);
        assertEquals(10 + 1.5 / Math.sqrt(1.25), out[3], 1e-5);
    }
}
