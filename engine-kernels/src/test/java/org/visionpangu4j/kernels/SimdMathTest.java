package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The kernels write exp/erf out in their vector loops and finish tails with the scalar forms in {@link SimdMath}:
 * both must give the same bits, or an element's result would depend on its position in the row.
 */
class SimdMathTest {
    /** Values covering every branch: tiny, ordinary, clamped, overflowing, special. */
    private static float[] sweep() {
        SplittableRandom rnd = new SplittableRandom(61);
        float[] fixed = {0f, -0f, 1f, -1f, 2.5f, -2.5f, 4f, -4f, 3.9999998f, 2.5000002f, 88.7f, 88.8f, 89f, 100f,
            -87.3f, -88f, -103.9f, -104f, -105f, -200f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f, -1e-30f};
        int n = 64 * 1024;
        float[] x = new float[n];
        System.arraycopy(fixed, 0, x, 0, fixed.length);
        for (int i = fixed.length; i < n; i++) {
            x[i] = switch (i % 3) {
                case 0 -> (float) (rnd.nextDouble() * 20 - 10);
                case 1 -> (float) (rnd.nextDouble() * 240 - 120);
                default -> Float.intBitsToFloat(rnd.nextInt());
            };
        }
        return x;
    }

    private static void assertSameBits(String what, float[] x, float[] expected, float[] actual) {
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])
                    && !(Float.isNaN(expected[i]) && Float.isNaN(actual[i]))) {
                fail(what + "(" + x[i] + "): vector loop gives " + actual[i] + ", scalar form " + expected[i]
                        + " at " + Simd.describe());
            }
        }
    }

    @Test
    void expVectorLoopEqualsScalarForm() {
        float[] x = sweep();
        float[] v = x.clone();
        VectorMath.expShiftSum(v, 0, v.length, 0f);
        float[] s = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = SimdMath.exp(x[i]);
        }
        assertSameBits("exp", x, s, v);
    }

    @Test
    void expIsWithinTwoUlp() {
        // Math.exp is within 1 ulp of e^x; the kernel's exp within 2 ulp: 3 ulp apart at most, for normal results.
        for (float x = -87.3f; x <= 88.7f; x += 0.001f) {
            float e = SimdMath.exp(x);
            double ref = Math.exp(x);
            assertTrue(Math.abs(e - ref) <= 3 * Math.ulp((float) ref), "exp(" + x + ") = " + e + " vs " + ref);
        }
        assertEquals(0f, SimdMath.exp(-105f));
        assertEquals(0f, SimdMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, SimdMath.exp(88.73f));
        assertEquals(Float.POSITIVE_INFINITY, SimdMath.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(SimdMath.exp(Float.NaN)));
        assertEquals((float) Math.exp(-100), SimdMath.exp(-100f), 2 * Float.MIN_VALUE, "subnormal results");
    }

    @Test
    void siluAndGeluAndErfVectorLoopsEqualScalarForms() {
        float[] x = sweep();
        float[] v = x.clone();
        Activations.silu(v, 0, v.length);
        float[] s = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = x[i] / (SimdMath.exp(-x[i]) + 1f);
        }
        assertSameBits("silu", x, s, v);

        v = x.clone();
        Activations.gelu(v, 0, v.length);
        for (int i = 0; i < x.length; i++) {
            s[i] = SimdMath.gelu(x[i]);
        }
        assertSameBits("gelu", x, s, v);

        v = x.clone();
        Activations.erf(v, 0, v.length);
        for (int i = 0; i < x.length; i++) {
            s[i] = (float) SimdMath.erf(x[i]);
        }
        assertSameBits("erf", x, s, v);
    }

    @Test
    void fixedOrderSumIsExactOnIntegers() {
        float[] a = new float[Simd.lanes()];
        long expected = 0;
        for (int i = 0; i < a.length; i++) {
            a[i] = i * 1000 + 7;
            expected += i * 1000L + 7;
        }
        assertEquals((float) expected, SimdMath.sum(a, 0));
    }
}
