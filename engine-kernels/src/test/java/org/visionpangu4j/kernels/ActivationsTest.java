package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.kernels.reference.ScalarActivations;

class ActivationsTest {
    /** The brief's bound for erf over the whole float range. */
    private static final double ERF_MAX_ABS_ERROR = 1e-7;

    // ---- the double-precision reference itself ----

    @Test
    void referenceErfMatchesTabulatedValues() {
        // erf at tabulated points (Abramowitz & Stegun table 7.1 / 20-digit evaluations); the reference must be
        // good to ~1e-15 (a handful of double roundings), eight orders below what the float kernel is held to.
        double[][] known = {
            {0.1, 0.1124629160182848922}, {0.5, 0.52049987781304653768}, {1.0, 0.84270079294971486934},
            {1.5, 0.96610514647531072707}, {2.0, 0.99532226501895273416}, {2.5, 0.99959304798255504106},
            {3.0, 0.99997790950300141456}, {3.5, 0.99999925690162765859}, {4.0, 0.99999998458274209972},
            {5.0, 0.99999999999846254021}};
        for (double[] k : known) {
            assertEquals(k[1], ScalarActivations.erf(k[0]), 1.5e-15, "erf(" + k[0] + ")");
            assertEquals(-k[1], ScalarActivations.erf(-k[0]), 1.5e-15, "erf(" + -k[0] + ")");
        }
        double[][] erfc = {{2.0, 0.0046777349810472658379}, {3.0, 2.2090496998585441373e-5},
            {5.0, 1.5374597944280348502e-12}, {8.0, 1.122429717298292708e-29}};
        for (double[] k : erfc) {
            assertEquals(k[1], ScalarActivations.erfcContinuedFraction(k[0]), 1e-14 * k[1], "erfc(" + k[0] + ")");
        }
        assertEquals(0.0, ScalarActivations.erf(0.0));
        assertEquals(1.0, ScalarActivations.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, ScalarActivations.erf(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(ScalarActivations.erf(Double.NaN)));
    }

    @Test
    void referenceSeriesAndContinuedFractionAgree() {
        // Two independent formulas where both apply: agreement to 1.5e-15 backs both (the series sums up to ~100
        // positive terms, ~10 ulp of rounding; the continued fraction is good to ~1 ulp here).
        for (double a = 1.5; a <= 6.0; a += 1.0 / 64) {
            double viaSeries = ScalarActivations.erfSeries(a);
            double viaFraction = 1.0 - ScalarActivations.erfcContinuedFraction(a);
            assertEquals(viaSeries, viaFraction, 1.5e-15, "erf(" + a + ")");
        }
    }

    // ---- the vector erf ----

    @Test
    void erfDenseSweepWithinOneTenMillionth() {
        // Every float step of 2^-13 on [-8, 8] (131,073 points), 200,000 random floats there, and every 2^12-th
        // float bit pattern over the whole range (both signs, all exponents, subnormals to MAX_VALUE).
        int dense = 16 * 8192 + 1;
        SplittableRandom rnd = new SplittableRandom(7);
        int sparse = (Integer.MAX_VALUE >>> 12) + 1;
        float[] x = new float[dense + 200_000 + 2 * sparse];
        int n = 0;
        for (int k = 0; k < dense; k++) {
            x[n++] = -8f + k / 8192f;
        }
        for (int k = 0; k < 200_000; k++) {
            x[n++] = (float) (rnd.nextDouble() * 16 - 8);
        }
        for (int k = 0; k < sparse; k++) {
            float f = Float.intBitsToFloat(k << 12);
            if (Float.isNaN(f)) {
                f = Float.POSITIVE_INFINITY;
            }
            x[n++] = f;
            x[n++] = -f;
        }
        float[] y = x.clone();
        Activations.erf(y, 0, y.length);
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < x.length; i++) {
            double err = Math.abs(y[i] - ScalarActivations.erf((double) x[i]));
            if (!(err <= worst)) {
                worst = err;
                worstAt = x[i];
            }
        }
        assertTrue(worst <= ERF_MAX_ABS_ERROR, "max |erf error| " + worst + " at x = " + worstAt);
    }

    @Test
    void erfSpecialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f};
        Activations.erf(x, 0, x.length);
        assertTrue(Float.isNaN(x[0]));
        assertEquals(1f, x[1]);
        assertEquals(-1f, x[2]);
        assertEquals(0f, x[3]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(x[4]), "erf(−0) = −0");
        assertEquals(0f, x[5], 1e-44f);
        assertEquals(0f, x[6], 1e-44f);
        assertEquals(1f, x[7]);
        assertEquals(-1f, x[8]);
        assertEquals(1.1283791670955126e-30, x[9], 1e-37, "erf(x) ≈ 2x/√π for tiny x, relative accuracy kept");
    }

    @Test
    void scalarErfOfTheKernelMatchesReference() {
        // Activations.erf(double) is the same approximation evaluated in double: ≤ 1e-9 inside |x| < 4; ±1 beyond,
        // off by erfc(|x|) ≤ 1.6e-8.
        for (double x = -10; x <= 10; x += 1.0 / 1024) {
            double bound = Math.abs(x) < 4 ? 1e-9 : 1.6e-8;
            assertEquals(ScalarActivations.erf(x), Activations.erf(x), bound, "erf(" + x + ")");
        }
    }

    @Test
    void erfWritesOnlyItsRange() {
        float[] x = {5f, 0.5f, 0.5f, 0.5f, 5f};
        Activations.erf(x, 1, 3);
        assertEquals(5f, x[0]);
        assertEquals(5f, x[4]);
        assertEquals(0.5204998778f, x[2], 1e-7f);
    }

    // ---- element-wise activations against their scalar twins ----

    @Test
    void geluMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int n : TestData.LENGTHS) {
            float[] x = TestData.gaussian(rnd, n + 2, 0, 3);
            float[] expected = x.clone();
            float[] actual = x.clone();
            ScalarActivations.gelu(expected, 1, n);
            Activations.gelu(actual, 1, n);
            // Both evaluate 0.5·x·(1 + erf(x/√2)) in double and round once; they differ by the erf error times
            // 0.5·|x|: ≤ 1e-9·|x| (≤ 1 ulp of the result) while |x/√2| < 4, and where the kernel's erf is exactly −1
            // (x < −5.66) by the true value itself, 0.5·|x|·erfc(|x|/√2) ≤ 4.4e-8.
            TestData.assertClose("gelu n=" + n, expected, actual, 4.5e-8, 1.2e-7);
        }
        float[] edge = {-10f, 10f, 0f, -0f, Float.NaN, 1e-20f, -1e30f};
        Activations.gelu(edge, 0, edge.length);
        assertEquals(-0f, edge[0], 1e-20f);
        assertEquals(0f, edge[6], 0f, "no residue of 1 + erf amplified by a huge negative x");
        assertEquals(10f, edge[1]);
        assertEquals(0f, edge[2]);
        assertTrue(Float.isNaN(edge[4]));
        assertEquals(5e-21f, edge[5], 1e-27f);
    }

    @Test
    void siluMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int n : TestData.LENGTHS) {
            float[] x = TestData.gaussian(rnd, n + 2, 0, 4);
            float[] expected = x.clone();
            float[] actual = x.clone();
            ScalarActivations.silu(expected, 1, n);
            Activations.silu(actual, 1, n);
            // The vector exp is within 2 ulp of e^x where Math.exp is within 1; x/(1+e) then differs by ≤ ~3 ulp.
            TestData.assertClose("silu n=" + n, expected, actual, 1e-30, 4e-7);
        }
        float[] edge = {-200f, 200f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f};
        Activations.silu(edge, 0, edge.length);
        assertEquals(0f, edge[0], 1e-30f);
        assertEquals(200f, edge[1]);
        assertEquals(Float.POSITIVE_INFINITY, edge[3]);
        assertTrue(Float.isNaN(edge[4]));
        assertEquals(0f, edge[5]);
    }

    @Test
    void swigluMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int n : TestData.LENGTHS) {
            float[] gate = TestData.gaussian(rnd, n + 3, 0, 3);
            float[] up = TestData.gaussian(rnd, n + 1, 0, 3);
            float[] expected = gate.clone();
            float[] actual = gate.clone();
            ScalarActivations.swiglu(expected, 2, up, 1, n);
            Activations.swiglu(actual, 2, up, 1, n);
            // silu as above (≤ 4e-7 relative) times up, one more rounding.
            TestData.assertClose("swiglu n=" + n, expected, actual, 1e-30, 5e-7);
        }
    }
}
