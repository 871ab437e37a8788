package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.kernels.reference.ScalarAttention;

class AttentionTest {
    private static WorkerPool one;
    private static WorkerPool three;

    @BeforeAll
    static void pools() {
        one = new WorkerPool(1);
        three = new WorkerPool(3);
    }

    @AfterAll
    static void close() {
        one.close();
        three.close();
    }

    /** A cache filled with N(0,1) keys and values for positions 0 .. filled−1. */
    private static KvCache filledCache(KvCache.Type type, int layers, int kvHeads, int hd, int capacity, int filled,
                                       SplittableRandom rnd) {
        KvCache c = new KvCache(type, layers, kvHeads, hd, capacity);
        for (int l = 0; l < layers; l++) {
            for (int p = 0; p < filled; p++) {
                float[] k = TestData.gaussian(rnd, kvHeads * hd, 0, 1);
                float[] v = TestData.gaussian(rnd, kvHeads * hd, 0, 1);
                c.put(l, p, k, 0, v, 0);
            }
        }
        return c;
    }

    // Vector vs scalar twin on the same cache (an int8 cache dequantises identically in both): they differ by the
    // pre-scaled q, the fp32 summation order of q·k over headDim, the vector exp (≤ 2 ulp) and the online
    // rescaling. With N(0,1) data, scores are O(1) and weights sum to 1, so outputs (|o| ≤ max|v| ≈ 4) agree to
    // a few 1e-7 relative per term; 2e-5 absolute bounds every case with margin while any indexing, masking or
    // GQA mistake produces O(0.1) errors.
    private static final double ATTENTION_ABS = 2e-5;

    @Test
    void causalDecodeAndPrefillMatchScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(51);
        int[][] shapes = {
            // kvHeads, group, headDim, startPos, T
            {2, 1, 16, 0, 1}, {2, 1, 16, 37, 1}, {1, 2, 64, 300, 1}, {2, 3, 20, 5, 1},
            {2, 2, 128, 0, 1}, {1, 3, 16, 70, 9}, {2, 2, 64, 0, 40}, {1, 1, 128, 13, 33},
            {3, 2, 32, 0, 130}, {1, 3, 48, 100, 67}};
        for (KvCache.Type type : KvCache.Type.values()) {
            for (int[] s : shapes) {
                int kvHeads = s[0];
                int group = s[1];
                int hd = s[2];
                int start = s[3];
                int T = s[4];
                int nHeads = kvHeads * group;
                int capacity = start + T + 3;
                KvCache cache = filledCache(type, 2, kvHeads, hd, capacity, start + T, rnd);
                float[] q = TestData.gaussian(rnd, T * nHeads * hd, 0, 1);
                float[] expected = new float[q.length];
                float[] actual = new float[q.length];
                ScalarAttention.causal(cache, 1, q, T, start, nHeads, expected);
                Attention.causal(one, cache, 1, q, T, start, nHeads, actual);
                String what = type + " kv=" + kvHeads + " group=" + group + " hd=" + hd + " start=" + start + " T=" + T;
                TestData.assertClose(what, expected, actual, ATTENTION_ABS, 0);
                float[] parallel = new float[q.length];
                Attention.causal(three, cache, 1, q, T, start, nHeads, parallel);
                assertArrayEquals(actual, parallel, what + ": 3 threads give the same bits as 1");
            }
        }
    }

    @Test
    void int8CacheStaysWithinItsQuantisationBound() {
        // Same keys/values in an F32 and an int8 cache. Per element, |k − k̃| ≤ s_k/2 and |v − ṽ| ≤ s_v/2 with
        // s = max|row|/127. A score moves by at most ε = Σ|qᵢ|·max s_k/2 · 1/√D; the softmax weights then change by
        // Σ|p̃ − p| ≤ e^{2ε} − 1; so |õ − o| ≤ max s_v/2 + (e^{2ε} − 1)·max|v| (+ fp32 noise, ATTENTION_ABS).
        SplittableRandom rnd = new SplittableRandom(52);
        int kvHeads = 2;
        int group = 2;
        int hd = 64;
        int len = 200;
        int nHeads = kvHeads * group;
        KvCache f32 = new KvCache(KvCache.Type.F32, 1, kvHeads, hd, len);
        KvCache i8 = new KvCache(KvCache.Type.INT8, 1, kvHeads, hd, len);
        float maxScaleK = 0;
        float maxScaleV = 0;
        float maxV = 0;
        for (int p = 0; p < len; p++) {
            float[] k = TestData.gaussian(rnd, kvHeads * hd, 0, 1);
            float[] v = TestData.gaussian(rnd, kvHeads * hd, 0, 1);
            f32.put(0, p, k, 0, v, 0);
            i8.put(0, p, k, 0, v, 0);
            for (int h = 0; h < kvHeads; h++) {
                float km = 0;
                float vm = 0;
                for (int i = 0; i < hd; i++) {
                    km = Math.max(km, Math.abs(k[h * hd + i]));
                    vm = Math.max(vm, Math.abs(v[h * hd + i]));
                }
                maxScaleK = Math.max(maxScaleK, km / 127);
                maxScaleV = Math.max(maxScaleV, vm / 127);
                maxV = Math.max(maxV, vm);
            }
        }
        int T = 8;
        int start = len - T;
        float[] q = TestData.gaussian(rnd, T * nHeads * hd, 0, 1);
        float[] o32 = new float[q.length];
        float[] o8 = new float[q.length];
        Attention.causal(one, f32, 0, q, T, start, nHeads, o32);
        Attention.causal(one, i8, 0, q, T, start, nHeads, o8);
        double worst = 0;
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < nHeads; h++) {
                double q1 = 0;
                for (int i = 0; i < hd; i++) {
                    q1 += Math.abs(q[(t * nHeads + h) * hd + i]);
                }
                double eps = q1 * maxScaleK / 2 / Math.sqrt(hd);
                double bound = maxScaleV / 2 + Math.expm1(2 * eps) * maxV + ATTENTION_ABS;
                for (int i = 0; i < hd; i++) {
                    int at = (t * nHeads + h) * hd + i;
                    double err = Math.abs(o8[at] - o32[at]);
                    worst = Math.max(worst, err / bound);
                    assertTrue(err <= bound, "int8 vs f32 at t=" + t + " h=" + h + " i=" + i + ": " + err + " > " + bound);
                }
            }
        }
        assertTrue(worst > 0, "the int8 cache must actually be quantised");
    }

    /** Naive full-matrix attention in double: S = QKᵀ/√D (T×T), softmax per row, S·V. */
    private static double[] naiveBidirectional(float[] qkv, int T, int nHeads, int hd, int rowStride, int qOff,
                                               int kOff, int vOff) {
        double[] out = new double[T * nHeads * hd];
        double[][] s = new double[T][T];
        for (int h = 0; h < nHeads; h++) {
            for (int t = 0; t < T; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int p = 0; p < T; p++) {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) {
                        dot += (double) qkv[t * rowStride + qOff + h * hd + i] * qkv[p * rowStride + kOff + h * hd + i];
                    }
                    s[t][p] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[t][p]);
                }
                double sum = 0;
                for (int p = 0; p < T; p++) {
                    s[t][p] = Math.exp(s[t][p] - max);
                    sum += s[t][p];
                }
                for (int p = 0; p < T; p++) {
                    double w = s[t][p] / sum;
                    for (int i = 0; i < hd; i++) {
                        out[(t * nHeads + h) * hd + i] += w * qkv[p * rowStride + vOff + h * hd + i];
                    }
                }
            }
        }
        return out;
    }

    private static void checkBidirectional(SplittableRandom rnd, int T, int nHeads, int hd, double std) {
        int width = nHeads * hd;
        int rowStride = 3 * width + 5; // fused qkv rows with some slack
        int qOff = 2;
        int kOff = 2 + width;
        int vOff = 2 + 2 * width;
        int outStride = width + 3;
        float[] qkv = TestData.gaussian(rnd, T * rowStride, 0, std);
        float[] out = new float[T * outStride];
        Attention.bidirectional(one, qkv, T, nHeads, hd, rowStride, qOff, kOff, vOff, out, outStride);
        double[] ref = naiveBidirectional(qkv, T, nHeads, hd, rowStride, qOff, kOff, vOff);
        // Against exact (double) attention, fp32 accumulation over hd products per score and T weighted values per
        // output contributes ~√T·u·max|v|; 2e-5 absolute for |v| ≤ ~5 keeps an order of magnitude of margin.
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < width; j++) {
                double e = ref[t * width + j];
                float a = out[t * outStride + j];
                assertTrue(Math.abs(a - e) <= ATTENTION_ABS, "bidirectional T=" + T + " H=" + nHeads + " D=" + hd
                        + " at (" + t + ", " + j + "): " + a + " vs " + e + " at " + Simd.describe());
            }
            for (int j = width; j < outStride; j++) {
                assertTrue(out[t * outStride + j] == 0f, "padding of out rows untouched");
            }
        }
        float[] parallel = new float[out.length];
        Attention.bidirectional(three, qkv, T, nHeads, hd, rowStride, qOff, kOff, vOff, parallel, outStride);
        assertArrayEquals(out, parallel, "3 threads give the same bits as 1");
        float[] scalar = new float[out.length];
        ScalarAttention.bidirectional(qkv, T, nHeads, hd, rowStride, qOff, kOff, vOff, scalar, outStride);
        TestData.assertClose("bidirectional vs scalar twin", scalar, out, ATTENTION_ABS, 0);
    }

    @Test
    void bidirectionalSmallMatchesFullMatrixReference() {
        SplittableRandom rnd = new SplittableRandom(53);
        int[][] shapes = {{1, 1, 16}, {5, 2, 16}, {33, 3, 20}, {65, 4, 16}, {100, 2, 64}, {129, 1, 128}};
        for (int[] s : shapes) {
            checkBidirectional(rnd, s[0], s[1], s[2], 1.0);
        }
        // Peaked attention (large scores): the online max must track well.
        checkBidirectional(rnd, 70, 2, 16, 3.0);
    }

    @Test
    void bidirectionalVisionLengthOneHead() {
        checkBidirectional(new SplittableRandom(54), 1025, 1, 64, 1.0);
    }

    @Test
    void rejectsBadArguments() {
        KvCache c = new KvCache(KvCache.Type.F32, 1, 2, 16, 8);
        float[] q = new float[3 * 16 * 8];
        float[] out = new float[q.length];
        assertThrows(IllegalArgumentException.class, () -> Attention.causal(one, c, 0, q, 1, 0, 3, out),
                "3 query heads over 2 KV heads");
        assertThrows(IllegalArgumentException.class, () -> Attention.causal(one, c, 0, q, 2, 7, 2, out),
                "past capacity");
        assertThrows(IndexOutOfBoundsException.class, () -> Attention.causal(one, c, 1, q, 1, 0, 2, out));
        assertThrows(IllegalArgumentException.class, () -> Attention.causal(one, c, 0, new float[3], 1, 0, 2, out));
        assertThrows(IllegalArgumentException.class,
                () -> Attention.bidirectional(one, new float[10], 2, 1, 16, 16, 0, 0, 0, new float[32], 16));
    }
}
