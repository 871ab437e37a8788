package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class KvCacheTest {
    @Test
    void f32RoundTripIsExact() {
        SplittableRandom rnd = new SplittableRandom(41);
        int layers = 2;
        int heads = 3;
        int hd = 20; // not a multiple of the 16-float row padding
        int cap = 37;
        KvCache c = new KvCache(KvCache.Type.F32, layers, heads, hd, cap);
        float[][][] k = new float[layers][cap][];
        float[][][] v = new float[layers][cap][];
        for (int l = 0; l < layers; l++) {
            for (int p = 0; p < cap; p++) {
                k[l][p] = TestData.gaussian(rnd, heads * hd + 2, 0, 1);
                v[l][p] = TestData.gaussian(rnd, heads * hd + 1, 0, 1);
                c.put(l, p, k[l][p], 2, v[l][p], 1);
            }
        }
        for (int l = 0; l < layers; l++) {
            for (int p = 0; p < cap; p++) {
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < hd; i++) {
                        assertEquals(k[l][p][2 + h * hd + i], c.key(l, h, p, i));
                        assertEquals(v[l][p][1 + h * hd + i], c.value(l, h, p, i));
                    }
                }
            }
        }
    }

    @Test
    void int8QuantisesEachPositionHeadRow() {
        SplittableRandom rnd = new SplittableRandom(42);
        int heads = 2;
        int hd = 64;
        KvCache c = new KvCache(KvCache.Type.INT8, 1, heads, hd, 10);
        for (int p = 0; p < 10; p++) {
            // Head 1 is 1000× larger than head 0: per-row scales keep head 0 precise.
            float[] k = TestData.gaussian(rnd, heads * hd, 0, 1);
            float[] v = TestData.gaussian(rnd, heads * hd, 0, 1);
            for (int i = hd; i < 2 * hd; i++) {
                k[i] *= 1000;
                v[i] *= 1000;
            }
            c.put(0, p, k, 0, v, 0);
            for (int h = 0; h < heads; h++) {
                float kMax = 0;
                float vMax = 0;
                for (int i = 0; i < hd; i++) {
                    kMax = Math.max(kMax, Math.abs(k[h * hd + i]));
                    vMax = Math.max(vMax, Math.abs(v[h * hd + i]));
                }
                for (int i = 0; i < hd; i++) {
                    // round-to-nearest of x/scale, scale = max|x|/127: error ≤ scale/2 (+ float rounding).
                    assertEquals(k[h * hd + i], c.key(0, h, p, i), kMax / 127 * 0.5001, "key");
                    assertEquals(v[h * hd + i], c.value(0, h, p, i), vMax / 127 * 0.5001, "value");
                }
            }
        }
        float[] zeros = new float[heads * hd];
        c.put(0, 3, zeros, 0, zeros, 0);
        assertEquals(0f, c.key(0, 1, 3, 5), "an all-zero row stays zero (scale 0, no division by zero)");
        assertTrue(c.byteSize() < new KvCache(KvCache.Type.F32, 1, heads, hd, 10).byteSize() / 3);
    }

    @Test
    void rejectsOutOfRange() {
        KvCache c = new KvCache(KvCache.Type.F32, 2, 2, 8, 5);
        float[] row = new float[16];
        assertThrows(IndexOutOfBoundsException.class, () -> c.put(0, 5, row, 0, row, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> c.put(2, 0, row, 0, row, 0));
        assertThrows(IllegalArgumentException.class, () -> c.put(0, 0, row, 1, row, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> c.key(0, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new KvCache(KvCache.Type.F32, 1, 1, 8, 0));
    }
}
