package org.visionpangu4j.llm.generate;

import org.visionpangu4j.kernels.VectorMath;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits, Hugging Face order: repetition penalty → (greedy argmax) or temperature →
 * top-k → top-p → one draw from a {@link SplittableRandom} seeded once, so a seed reproduces the whole sequence.
 * One sampler per generation (it remembers the ids seen so far); scratch is allocated once, none per token.
 *
 * <p>Ties are broken towards the lower id everywhere (as argmax does), and top-k keeps exactly k ids.
 */
public final class Sampler {
    private final int vocab;
    private final boolean greedy;
    private final double invTemperature;
    private final int topK;
    private final double topP;
    private final float penalty;
    private final long seed;
    private final SplittableRandom rng;

    private final boolean[] seen;  // [vocab] ids already in the sequence
    private final int[] seenIds;   // the distinct seen ids, seenCount of them
    private int seenCount;
    private final long[] keys;     // candidates: (order-preserving logit bits, ~id), see key()
    private final double[] weights; // unnormalised probabilities of the candidates

    public Sampler(GenerationSettings o, int vocab) {
        this.vocab = vocab;
        this.greedy = o.greedy();
        this.invTemperature = o.greedy() ? 0 : 1.0 / o.temperature();
        this.topK = o.topK() > 0 && o.topK() < vocab ? o.topK() : 0;
        this.topP = o.topP();
        this.penalty = (float) o.repetitionPenalty();
        this.seed = o.seed().orElseGet(() -> new SplittableRandom().nextLong());
        this.rng = new SplittableRandom(seed);
        this.seen = new boolean[vocab];
        this.seenIds = new int[vocab];
        this.keys = new long[vocab];
        this.weights = new double[vocab];
    }

    public long seed() {
        return seed;
    }

    /** Marks {@code id} as part of the sequence (for the repetition penalty); ids outside the vocab are ignored. */
    public void observe(int id) {
        if (id >= 0 && id < vocab && !seen[id]) {
            seen[id] = true;
            seenIds[seenCount++] = id;
        }
    }

    public void observe(int[] ids) {
        for (int id : ids) {
            observe(id);
        }
    }

    /**
     * HF repetition penalty, in place: each distinct seen id's logit is divided by the penalty when positive and
     * multiplied by it when negative (so a penalty > 1 always makes it less likely).
     */
    public void penalize(float[] logits) {
        if (penalty == 1f) {
            return;
        }
        for (int i = 0; i < seenCount; i++) {
            int id = seenIds[i];
            float l = logits[id];
            logits[id] = l < 0 ? l * penalty : l / penalty;
        }
    }

    /** The next token for {@code logits[0 .. vocab)}; the array is modified (penalty applied). */
    public int sample(float[] logits) {
        if (logits.length < vocab) {
            throw new IllegalArgumentException(logits.length + " logits for a vocabulary of " + vocab);
        }
        penalize(logits);
        if (greedy) {
            return VectorMath.argmax(logits, 0, vocab);
        }
        float max = logits[VectorMath.argmax(logits, 0, vocab)];
        if (topK == 0 && topP >= 1) {
            return drawFromAll(logits, max);
        }
        int n = topK > 0 ? selectTopK(logits) : selectNucleusCandidates(logits, max);
        Arrays.sort(keys, 0, n); // ascending: the most likely candidate is keys[n − 1]
        // Softmax over the candidates (HF renormalises after top-k), walked from the most likely down.
        double z = 0;
        for (int j = n - 1; j >= 0; j--) {
            weights[j] = Math.exp((logits[id(keys[j])] - max) * invTemperature);
            z += weights[j];
        }
        // Top-p: keep the most likely candidates until their probability reaches p (at least one).
        int lowest = n - 1;
        double kept = weights[n - 1];
        while (lowest > 0 && kept < topP * z) {
            lowest--;
            kept += weights[lowest];
        }
        double r = rng.nextDouble() * kept;
        for (int j = n - 1; j > lowest; j--) {
            r -= weights[j];
            if (r < 0) {
                return id(keys[j]);
            }
        }
        return id(keys[lowest]);
    }

    /** No filtering: one draw from softmax(logits / T) over the whole vocabulary. */
    private int drawFromAll(float[] logits, float max) {
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            weights[i] = Math.exp((logits[i] - max) * invTemperature);
            z += weights[i];
        }
        double r = rng.nextDouble() * z;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            if (weights[i] > 0) {
                last = i;
                r -= weights[i];
                if (r < 0) {
                    return i;
                }
            }
        }
        return last; // rounding left r ≥ 0: the last token with any probability
    }

    /** The topK largest logits into keys[0 .. topK) through a min-heap (O(vocab·log k), no full sort). */
    private int selectTopK(float[] logits) {
        int k = topK;
        for (int i = 0; i < k; i++) {
            keys[i] = key(logits[i], i);
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(i, k);
        }
        for (int i = k; i < vocab; i++) {
            long kk = key(logits[i], i);
            if (kk > keys[0]) {
                keys[0] = kk;
                siftDown(0, k);
            }
        }
        return k;
    }

    private void siftDown(int i, int n) {
        long v = keys[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && keys[c + 1] < keys[c]) {
                c++;
            }
            if (keys[c] >= v) {
                break;
            }
            keys[i] = keys[c];
            i = c;
        }
        keys[i] = v;
    }

    /**
     * Top-p without top-k: only tokens with probability ≥ (1 − p)/(vocab − 1) can be in the nucleus (all the
     * others together hold less than 1 − p), so only those are collected and sorted.
     */
    private int selectNucleusCandidates(float[] logits, float max) {
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            weights[i] = Math.exp((logits[i] - max) * invTemperature);
            z += weights[i];
        }
        double cutoff = vocab > 1 ? (1 - topP) / (vocab - 1) * z : 0;
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (weights[i] >= cutoff) {
                keys[n++] = key(logits[i], i);
            }
        }
        return n;
    }

    /**
     * A long that sorts like (logit, −id): the float's bits made order-preserving as a signed int in the high
     * half, the complemented id in the low half (so on equal logits the lower id ranks higher).
     */
    static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ((long) ordered << 32) | (~id & 0xFFFFFFFFL);
    }

    static int id(long key) {
        return ~(int) key;
    }
}
