package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.kernels.reference.ScalarVectorMath;

class VectorMathTest {
    @Test
    void elementwiseOpsAreExact() {
        // add, addScaled (one fma vs the scalar's multiply-then-add: ≤ ½ ulp apart), scale: single roundings.
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : TestData.LENGTHS) {
            float[] a = TestData.uniform(rnd, n + 3, -2, 2);
            float[] b = TestData.uniform(rnd, n + 1, -2, 2);
            float[] s = TestData.uniform(rnd, n, -1, 1);

            float[] e = a.clone();
            float[] v = a.clone();
            ScalarVectorMath.add(e, 2, b, 1, n);
            VectorMath.add(v, 2, b, 1, n);
            assertArrayEquals(e, v, "add n=" + n + " (same single rounding per element)");

            e = a.clone();
            v = a.clone();
            ScalarVectorMath.scale(e, 1, n, 0.37f);
            VectorMath.scale(v, 1, n, 0.37f);
            assertArrayEquals(e, v, "scale n=" + n);

            e = a.clone();
            v = a.clone();
            ScalarVectorMath.addScaled(e, 3, b, 1, s, n);
            VectorMath.addScaled(v, 3, b, 1, s, n);
            // fma rounds once where the scalar rounds twice: they differ by at most 1 ulp of the terms (~2.4e-7·4).
            TestData.assertClose("addScaled[] n=" + n, e, v, 1e-6, 0);
            assertEquals(a[0], v[0]);
            assertEquals(a[1], v[1]);
            assertEquals(a[2], v[2]);

            e = a.clone();
            v = a.clone();
            ScalarVectorMath.addScaled(e, 0, b, 1, -1.5f, n);
            VectorMath.addScaled(v, 0, b, 1, -1.5f, n);
            TestData.assertClose("addScaled(s) n=" + n, e, v, 1e-6, 0);
            assertEquals(a[n], v[n], "element past the range untouched");
        }
    }

    @Test
    void dotMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n : TestData.LENGTHS) {
            float[] a = TestData.uniform(rnd, n + 1, -1, 1);
            float[] b = TestData.uniform(rnd, n + 2, -1, 1);
            double exact = 0;
            double mag = 0;
            for (int i = 0; i < n; i++) {
                exact += (double) a[1 + i] * b[2 + i];
                mag += Math.abs((double) a[1 + i] * b[2 + i]);
            }
            float scalar = ScalarVectorMath.dot(a, 1, b, 2, n);
            float vector = VectorMath.dot(a, 1, b, 2, n);
            // Different summation orders: each is within n·u·Σ|aᵢbᵢ| of the exact sum (u = 2^-24), so they are within
            // twice that of each other; the vector one must also be within its own bound of the double sum.
            double bound = n * 0x1p-24 * mag;
            assertEquals(scalar, vector, 2 * bound + 1e-30, "dot n=" + n);
            assertEquals(exact, vector, bound + 1e-30, "dot vs double n=" + n);
        }
    }

    @Test
    void maxAndArgmax() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n : TestData.LENGTHS) {
            float[] x = TestData.uniform(rnd, n + 2, -5, 5);
            assertEquals(ScalarVectorMath.max(x, 1, n), VectorMath.max(x, 1, n), "max n=" + n);
            assertEquals(ScalarVectorMath.argmax(x, 1, n), VectorMath.argmax(x, 1, n), "argmax n=" + n);
            // A tie: the first occurrence wins.
            int i = rnd.nextInt(n);
            int j = rnd.nextInt(n);
            x[1 + i] = 9f;
            x[1 + j] = 9f;
            assertEquals(Math.min(i, j), VectorMath.argmax(x, 1, n), "argmax tie n=" + n);
        }
        float nan = Float.NaN;
        float[][] cases = {{nan, 3f, 5f}, {1f, nan, 0f}, {1f, nan, 7f, 7f, nan}, {Float.NEGATIVE_INFINITY, -1f},
            {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, {nan, nan}};
        for (float[] c : cases) {
            assertEquals(ScalarVectorMath.argmax(c, 0, c.length), VectorMath.argmax(c, 0, c.length),
                    "argmax NaN/-Inf semantics as the scalar twin: " + java.util.Arrays.toString(c));
        }
        float[] withNan = {1f, nan, 2f};
        assertTrue(Float.isNaN(VectorMath.max(withNan, 0, 3)), "max propagates NaN like Math.max");
        assertEquals(Float.NEGATIVE_INFINITY, VectorMath.max(withNan, 0, 0));
    }

    @Test
    void softmaxMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int n : TestData.LENGTHS) {
            float[] x = TestData.gaussian(rnd, n + 2, 3, 4);
            float[] e = x.clone();
            float[] v = x.clone();
            ScalarVectorMath.softmax(e, 1, n);
            VectorMath.softmax(v, 1, n);
            // Vector exp ≤ 2 ulp vs Math.exp's 1, sums in another order (≤ n·u relative, ~√n·u in practice),
            // one division each: relative 1e-6 + 2n·u covers it; absolute floor for underflowing tiny weights.
            TestData.assertClose("softmax n=" + n, e, v, 1e-30, 1e-6 + 2 * n * 0x1p-24);
            assertEquals(x[0], v[0]);
            assertEquals(x[n + 1], v[n + 1]);
        }
        float[] masked = {0f, Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY};
        VectorMath.softmax(masked, 0, 4);
        assertArrayEquals(new float[] {0.5f, 0f, 0.5f, 0f}, masked, "−Inf scores get exactly zero weight");
        float[] big = {1000f, 1000f, -1000f};
        VectorMath.softmax(big, 0, 3);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, big, "stable for large scores");
    }

    @Test
    void streamingSoftmaxEqualsSoftmax() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int n : new int[] {1, 17, 100, 1025}) {
            for (int chunk : new int[] {1, 7, 16, 64}) {
                float[] x = TestData.gaussian(rnd, n, 0, 5);
                float[] ref = x.clone();
                ScalarVectorMath.softmax(ref, 0, n);
                float[] p = x.clone();
                float[] scalarP = x.clone();
                float[] state = {Float.NEGATIVE_INFINITY, 0f};
                float[] scalarState = {Float.NEGATIVE_INFINITY, 0f};
                // acc[k] = Σ p_j for chunks already seen, rescaled like an attention accumulator would be.
                float[] acc = new float[n];
                for (int c = 0; c < n; c += chunk) {
                    int len = Math.min(chunk, n - c);
                    float alpha = VectorMath.softmaxOnline(p, c, len, state, 0);
                    float scalarAlpha = ScalarVectorMath.softmaxOnline(scalarP, c, len, scalarState, 0);
                    assertEquals(scalarAlpha, alpha, 1e-6f * Math.max(1f, scalarAlpha), "alpha");
                    for (int k = 0; k < c; k++) {
                        acc[k] *= alpha;
                    }
                    System.arraycopy(p, c, acc, c, len);
                }
                assertEquals(scalarState[0], state[0], "running max is exact");
                assertEquals(scalarState[1], state[1], 1e-5 * scalarState[1], "running sum");
                for (int k = 0; k < n; k++) {
                    acc[k] /= state[1];
                }
                // Per chunk rescaling adds one rounding per later chunk: ≤ (n/chunk + 10) ulp relative.
                double rel = (n / chunk + 10) * 0x1p-23 + 2 * n * 0x1p-24;
                TestData.assertClose("online softmax n=" + n + " chunk=" + chunk, ref, acc, 1e-30, rel);
            }
        }
        float[] allMasked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] state = {Float.NEGATIVE_INFINITY, 0f};
        assertEquals(1f, VectorMath.softmaxOnline(allMasked, 0, 2, state, 0));
        assertArrayEquals(new float[] {0f, 0f}, allMasked);
        assertEquals(0f, state[1]);
    }
}
