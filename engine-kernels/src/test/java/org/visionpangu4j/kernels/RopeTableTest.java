package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.kernels.reference.ScalarRope;

class RopeTableTest {
    @Test
    void applyEqualsScalarTwinBitForBit() {
        // Same cos/sin (both (float) Math.cos of the same float angle) and the same multiply/subtract sequence
        // without fma: the vector rotation must reproduce the scalar one exactly.
        SplittableRandom rnd = new SplittableRandom(31);
        for (int headDim : new int[] {2, 6, 16, 34, 64, 128}) {
            RopeTable rope = new RopeTable(headDim, 4_000_000.0);
            for (int pos : new int[] {0, 1, 7, 255, 256, 1000, 5000, 32767}) {
                int heads = 3;
                float[] x = TestData.gaussian(rnd, heads * headDim + 5, 0, 1);
                float[] e = x.clone();
                float[] v = x.clone();
                ScalarRope.apply(e, 5, heads, headDim, 4_000_000.0, pos);
                rope.apply(v, 5, heads, pos);
                assertArrayEquals(e, v, "headDim " + headDim + " pos " + pos + " at " + Simd.describe());
            }
        }
    }

    @Test
    void positionZeroIsIdentityAndAnglesAreCached() {
        RopeTable rope = new RopeTable(8, 10000.0);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] y = x.clone();
        rope.apply(y, 0, 1, 0);
        assertArrayEquals(x, y);
        float[] cos = new float[4];
        float[] sin = new float[4];
        rope.angles(3, cos, sin);
        for (int i = 0; i < 4; i++) {
            float a = 3 * ScalarRope.invFreq(i, 8, 10000.0);
            assertEquals((float) Math.cos(a), cos[i]);
            assertEquals((float) Math.sin(a), sin[i]);
        }
        // Rotation keeps each (i, i+half) pair's length.
        rope.apply(y, 0, 1, 12345);
        for (int i = 0; i < 4; i++) {
            double before = Math.hypot(x[i], x[i + 4]);
            assertEquals(before, Math.hypot(y[i], y[i + 4]), 1e-5 * before);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new RopeTable(7, 10000.0));
        assertThrows(IllegalArgumentException.class, () -> new RopeTable(8, Double.NaN));
        RopeTable rope = new RopeTable(8, 10000.0);
        assertThrows(IllegalArgumentException.class, () -> rope.apply(new float[8], 0, 1, -1));
    }
}
