package org.visionpangu4j.llm.generate;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.kernels.VectorMath;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    static float[] randomLogits(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        return x;
    }

    static float[] logOf(double... p) {
        float[] x = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            x[i] = (float) Math.log(p[i]);
        }
        return x;
    }

    /** Draws {@code n} tokens, each from a fresh copy of {@code logits}. */
    static int[] draws(Sampler s, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.sample(logits.clone());
        }
        return out;
    }

    static double[] frequencies(int[] ids, int vocab) {
        double[] f = new double[vocab];
        for (int id : ids) {
            f[id] += 1.0 / ids.length;
        }
        return f;
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenIds() {
        GenerationSettings o = GenerationSettings.builder().repetitionPenalty(2.0).build();
        Sampler s = new Sampler(o, 5);
        s.observe(new int[] {0, 1, 0, 4, 99, -1}); // repeats count once; out-of-vocab ids are ignored
        float[] logits = {2f, -2f, 1f, 0.5f, 0f};
        s.penalize(logits);
        assertArrayEquals(new float[] {1f, -4f, 1f, 0.5f, 0f}, logits);
    }

    @Test
    void greedyIsArgmaxAfterThePenalty() {
        GenerationSettings o = GenerationSettings.builder().repetitionPenalty(3.0).build();
        Sampler s = new Sampler(o, 3);
        assertEquals(0, s.sample(new float[] {3f, 2f, -1f}));
        s.observe(0);
        assertEquals(1, s.sample(new float[] {3f, 2f, -1f})); // 3/3 = 1 < 2
    }

    @Test
    void topKOfOneIsGreedyEvenWithTemperature() {
        GenerationSettings o = GenerationSettings.builder().temperature(1.7).topK(1).topP(0.5).seed(1).build();
        Sampler s = new Sampler(o, 1000);
        for (int round = 0; round < 50; round++) {
            float[] logits = randomLogits(1000, round);
            assertEquals(VectorMath.argmax(logits, 0, 1000), s.sample(logits.clone()));
        }
        float[] tie = new float[20];
        tie[7] = 5f;
        tie[3] = 5f; // equal maxima: like argmax, the lower id wins
        Sampler small = new Sampler(o, 20);
        assertEquals(3, small.sample(tie));
        assertThrows(IllegalArgumentException.class, () -> s.sample(tie), "logits shorter than the vocabulary");
    }

    @Test
    void sameSeedSameTokensOnEveryPath() {
        float[] logits = randomLogits(2000, 11);
        GenerationSettings[] paths = {
                GenerationSettings.builder().temperature(0.9).seed(42).build(),
                GenerationSettings.builder().temperature(0.9).topK(50).seed(42).build(),
                GenerationSettings.builder().temperature(0.9).topP(0.9).seed(42).build(),
                GenerationSettings.builder().temperature(0.9).topK(50).topP(0.8).repetitionPenalty(1.3).seed(42).build()};
        for (GenerationSettings o : paths) {
            int[] a = draws(new Sampler(o, 2000), logits, 300);
            int[] b = draws(new Sampler(o, 2000), logits, 300);
            assertArrayEquals(a, b, o.toString());
            int[] c = draws(new Sampler(o.toBuilder().seed(43).build(), 2000), logits, 300);
            assertFalse(java.util.Arrays.equals(a, c), "another seed gives another sequence: " + o);
        }
    }

    @Test
    void unfilteredSamplingFollowsTheSoftmaxAtTheTemperature() {
        double[] p = {0.5, 0.3, 0.15, 0.05};
        float[] logits = logOf(p);
        double[] f1 = frequencies(draws(new Sampler(GenerationSettings.builder().temperature(1).seed(3).build(), 4),
                logits, 40_000), 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(p[i], f1[i], 0.01, "T=1, id " + i);
        }
        // T = 2 flattens: q_i ∝ p_i^(1/2).
        double z = 0;
        for (double v : p) {
            z += Math.sqrt(v);
        }
        double[] f2 = frequencies(draws(new Sampler(GenerationSettings.builder().temperature(2).seed(4).build(), 4),
                logits, 40_000), 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.sqrt(p[i]) / z, f2[i], 0.01, "T=2, id " + i);
        }
    }

    @Test
    void topKKeepsTheKMostLikelyAndRenormalises() {
        double[] p = {0.1, 0.5, 0.05, 0.3, 0.05};
        Sampler s = new Sampler(GenerationSettings.builder().temperature(1).topK(2).seed(5).build(), 5);
        double[] f = frequencies(draws(s, logOf(p), 40_000), 5);
        assertEquals(0.5 / 0.8, f[1], 0.01);
        assertEquals(0.3 / 0.8, f[3], 0.01);
        assertEquals(0.0, f[0] + f[2] + f[4]);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        double[] p = {0.15, 0.5, 0.05, 0.3};
        // p = 0.7: 0.5 < 0.7, 0.5 + 0.3 ≥ 0.7 → {1, 3}
        double[] f = frequencies(draws(new Sampler(GenerationSettings.builder().temperature(1).topP(0.7).seed(6).build(), 4),
                logOf(p), 40_000), 4);
        assertEquals(0.5 / 0.8, f[1], 0.01);
        assertEquals(0.3 / 0.8, f[3], 0.01);
        assertEquals(0.0, f[0] + f[2]);
        // p = 0.9: needs the 0.15 too → {1, 3, 0}
        f = frequencies(draws(new Sampler(GenerationSettings.builder().temperature(1).topP(0.9).seed(7).build(), 4),
                logOf(p), 40_000), 4);
        assertEquals(0.15 / 0.95, f[0], 0.01);
        assertEquals(0.5 / 0.95, f[1], 0.01);
        assertEquals(0.0, f[2]);
        // A small p keeps only the most likely token.
        Sampler one = new Sampler(GenerationSettings.builder().temperature(1).topP(0.01).seed(8).build(), 4);
        for (int id : draws(one, logOf(p), 100)) {
            assertEquals(1, id);
        }
    }

    @Test
    void topPOverALargeVocabularyMatchesAFullSortReference() {
        int vocab = 5000;
        float[] logits = randomLogits(vocab, 21);
        double topP = 0.6;
        // Reference nucleus: sort all ids by probability, keep while the mass before an id is < p.
        Integer[] order = new Integer[vocab];
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
            z += Math.exp(logits[i]);
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        boolean[] inNucleus = new boolean[vocab];
        double mass = 0;
        for (int i = 0; i < vocab && mass < topP; i++) {
            inNucleus[order[i]] = true;
            mass += Math.exp(logits[order[i]]) / z;
        }
        Sampler s = new Sampler(GenerationSettings.builder().temperature(1).topP(topP).seed(9).build(), vocab);
        boolean[] hit = new boolean[vocab];
        for (int id : draws(s, logits, 20_000)) {
            assertTrue(inNucleus[id], "id " + id + " is outside the nucleus");
            hit[id] = true;
        }
        assertTrue(hit[order[0]] && hit[order[1]], "the most likely ids are drawn");
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.builder().temperature(-1));
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.builder().topP(0));
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.builder().topK(-2));
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.builder().repetitionPenalty(0));
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.builder().maxNewTokens(-1));
    }
}
