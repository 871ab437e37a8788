package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Random inputs and element-wise comparisons shared by the kernel tests. */
final class TestData {
    /** Row lengths that are not multiples of any lane count (4, 8, 16), plus some that are, and real model widths. */
    static final int[] LENGTHS = {1, 3, 4, 15, 16, 17, 31, 63, 64, 65, 100, 1000, 1024, 1536, 4097};

    private TestData() {
    }

    static float[] uniform(SplittableRandom rnd, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * (float) rnd.nextDouble();
        }
        return x;
    }

    static float[] gaussian(SplittableRandom rnd, int n, double mean, double std) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // Box–Muller; SplittableRandom has no nextGaussian on older JDKs' interface default.
            double u = 1.0 - rnd.nextDouble();
            double v = rnd.nextDouble();
            x[i] = (float) (mean + std * Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }

    /** Asserts |actual − expected| ≤ abs + rel·|expected| element-wise over n elements from the given offsets. */
    static void assertClose(String what, float[] expected, int eOff, float[] actual, int aOff, int n, double abs,
                            double rel) {
        for (int i = 0; i < n; i++) {
            float e = expected[eOff + i];
            float a = actual[aOff + i];
            if (Float.isNaN(e) && Float.isNaN(a)) {
                continue;
            }
            double err = Math.abs((double) a - e);
            if (!(err <= abs + rel * Math.abs(e))) {
                fail(what + ": element " + i + " of " + n + ": expected " + e + ", got " + a + " (|err| " + err
                        + " > " + abs + " + " + rel + "·|expected|) at " + Simd.describe());
            }
        }
    }

    static void assertClose(String what, float[] expected, float[] actual, double abs, double rel) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + " != " + expected.length);
        }
        assertClose(what, expected, 0, actual, 0, expected.length, abs, rel);
    }
}
