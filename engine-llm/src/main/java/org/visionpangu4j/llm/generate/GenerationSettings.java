package org.visionpangu4j.llm.generate;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * How to generate: length limit, sampling settings, seed, stop ids and stop strings. Immutable; build with
 * {@link #builder()}. The engine's public {@code GenerationOptions} is a view of one of these.
 * Defaults: 256 new tokens, greedy, no top-k/top-p, no repetition penalty, random seed, no stop ids.
 *
 * <p>Sampling follows Hugging Face's order: repetition penalty, then temperature, top-k, top-p, then a draw.
 * {@code temperature == 0} means greedy (argmax after the repetition penalty).
 */
public final class GenerationSettings {
    private final int maxNewTokens;
    private final double temperature;
    private final int topK;
    private final double topP;
    private final double repetitionPenalty;
    private final OptionalLong seed;
    private final int[] stopTokenIds;
    private final List<String> stopStrings;

    private GenerationSettings(Builder b) {
        this.maxNewTokens = b.maxNewTokens;
        this.temperature = b.temperature;
        this.topK = b.topK;
        this.topP = b.topP;
        this.repetitionPenalty = b.repetitionPenalty;
        this.seed = b.seed;
        this.stopTokenIds = b.stopTokenIds.clone();
        this.stopStrings = List.copyOf(b.stopStrings);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens, stopping at any of {@code stopTokenIds}. */
    public static GenerationSettings greedy(int maxNewTokens, int... stopTokenIds) {
        return builder().maxNewTokens(maxNewTokens).stopTokens(stopTokenIds).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxNewTokens = maxNewTokens;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.repetitionPenalty = repetitionPenalty;
        b.seed = seed;
        b.stopTokenIds = stopTokenIds.clone();
        b.stopStrings = stopStrings;
        return b;
    }

    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** 0 = greedy. */
    public double temperature() {
        return temperature;
    }

    public boolean greedy() {
        return temperature == 0;
    }

    /** Keep the k most likely tokens; 0 = off. */
    public int topK() {
        return topK;
    }

    /** Keep the smallest most-likely set whose probability reaches p; 1 = off. */
    public double topP() {
        return topP;
    }

    /** HF repetition penalty over every id seen (prompt included): 1 = off. */
    public double repetitionPenalty() {
        return repetitionPenalty;
    }

    /** Empty = a fresh random seed per generation (reported in the result). */
    public OptionalLong seed() {
        return seed;
    }

    public int[] stopTokenIds() {
        return stopTokenIds.clone();
    }

    /**
     * Texts that end generation when the decoded output contains them; the output is cut before the match.
     * Matched on the decoded text by {@link StopCondition}.
     */
    public List<String> stopStrings() {
        return stopStrings;
    }

    public boolean isStopToken(int id) {
        for (int s : stopTokenIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "GenerationSettings[maxNewTokens=" + maxNewTokens + ", temperature=" + temperature + ", topK=" + topK
                + ", topP=" + topP + ", repetitionPenalty=" + repetitionPenalty + ", seed=" + seed
                + ", stopTokenIds=" + Arrays.toString(stopTokenIds) + ", stopStrings=" + stopStrings + "]";
    }

    public static final class Builder {
        private int maxNewTokens = 256;
        private double temperature = 0;
        private int topK = 0;
        private double topP = 1.0;
        private double repetitionPenalty = 1.0;
        private OptionalLong seed = OptionalLong.empty();
        private int[] stopTokenIds = new int[0];
        private List<String> stopStrings = List.of();

        private Builder() {
        }

        public Builder maxNewTokens(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxNewTokens must be ≥ 0, got " + n);
            }
            this.maxNewTokens = n;
            return this;
        }

        /** Greedy decoding (temperature 0). */
        public Builder greedy() {
            this.temperature = 0;
            return this;
        }

        /** Sampling temperature; 0 means greedy. */
        public Builder temperature(double t) {
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("temperature must be a finite number ≥ 0, got " + t);
            }
            this.temperature = t;
            return this;
        }

        public Builder topK(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("topK must be ≥ 0 (0 = off), got " + k);
            }
            this.topK = k;
            return this;
        }

        public Builder topP(double p) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("topP must be in (0, 1] (1 = off), got " + p);
            }
            this.topP = p;
            return this;
        }

        public Builder repetitionPenalty(double penalty) {
            if (!(penalty > 0) || Double.isInfinite(penalty)) {
                throw new IllegalArgumentException("repetitionPenalty must be a finite number > 0 (1 = off), got " + penalty);
            }
            this.repetitionPenalty = penalty;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /** Ids that end generation when sampled (e.g. the chat template's end token). */
        public Builder stopTokens(int... ids) {
            this.stopTokenIds = ids.clone();
            return this;
        }

        /** Texts that end generation (see {@link GenerationSettings#stopStrings()}); empty strings are refused. */
        public Builder stopStrings(List<String> strings) {
            for (String s : strings) {
                if (s == null || s.isEmpty()) {
                    throw new IllegalArgumentException("stop strings must be non-empty");
                }
            }
            this.stopStrings = List.copyOf(strings);
            return this;
        }

        public GenerationSettings build() {
            return new GenerationSettings(this);
        }
    }
}
