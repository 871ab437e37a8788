package org.visionpangu4j;

import org.visionpangu4j.llm.generate.GenerationSettings;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How to generate a reply: length limit, sampling settings, seed, extra stop tokens and stop strings. Immutable;
 * build with {@link #builder()}. Defaults: 256 new tokens, greedy, no top-k/top-p, no repetition penalty, a fresh
 * random seed per request, no extra stops (the chat template's end token always stops).
 *
 * <p>Sampling follows Hugging Face's order: repetition penalty, then temperature, top-k, top-p, then a draw.
 * {@code temperature == 0} means greedy (argmax after the repetition penalty). With a seed, a request's reply is
 * reproducible.
 */
public final class GenerationOptions {
    private final GenerationSettings settings;

    private GenerationOptions(GenerationSettings settings) {
        this.settings = settings;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder(GenerationSettings.builder());
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens. */
    public static GenerationOptions greedy(int maxNewTokens) {
        return builder().maxNewTokens(maxNewTokens).build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(settings.toBuilder());
    }

    /** The most tokens to generate. */
    public int maxNewTokens() {
        return settings.maxNewTokens();
    }

    /** Sampling temperature; 0 = greedy. */
    public double temperature() {
        return settings.temperature();
    }

    /** Whether decoding is greedy (temperature 0). */
    public boolean greedy() {
        return settings.greedy();
    }

    /** Keep the k most likely tokens; 0 = off. */
    public int topK() {
        return settings.topK();
    }

    /** Keep the smallest most-likely set whose probability reaches p; 1 = off. */
    public double topP() {
        return settings.topP();
    }

    /** Hugging Face's repetition penalty over every id seen (prompt included); 1 = off. */
    public double repetitionPenalty() {
        return settings.repetitionPenalty();
    }

    /** The sampling seed; empty = a fresh random seed per request. */
    public OptionalLong seed() {
        return settings.seed();
    }

    /** Token ids that end the reply when sampled, besides the chat template's end token. */
    public int[] stopTokenIds() {
        return settings.stopTokenIds();
    }

    /** Texts that end the reply when it contains them; the reply is cut before the match. */
    public List<String> stopStrings() {
        return settings.stopStrings();
    }

    /** The internal settings these options stand for. */
    GenerationSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return settings.toString().replace("GenerationSettings", "GenerationOptions");
    }

    /** Builds {@link GenerationOptions}; each setter checks its value and throws IllegalArgumentException naming it. */
    public static final class Builder {
        private final GenerationSettings.Builder b;

        private Builder(GenerationSettings.Builder b) {
            this.b = b;
        }

        /** The most tokens to generate (≥ 0; 0 only runs the prompt). */
        public Builder maxNewTokens(int n) {
            b.maxNewTokens(n);
            return this;
        }

        /** Greedy decoding (temperature 0). */
        public Builder greedy() {
            b.greedy();
            return this;
        }

        /** Sampling temperature: a finite number ≥ 0; 0 means greedy. */
        public Builder temperature(double t) {
            b.temperature(t);
            return this;
        }

        /** Keep the k most likely tokens (≥ 0; 0 = off). */
        public Builder topK(int k) {
            b.topK(k);
            return this;
        }

        /** Nucleus sampling mass in (0, 1] (1 = off). */
        public Builder topP(double p) {
            b.topP(p);
            return this;
        }

        /** Repetition penalty: a finite number &gt; 0 (1 = off). */
        public Builder repetitionPenalty(double penalty) {
            b.repetitionPenalty(penalty);
            return this;
        }

        /** A fixed sampling seed, for reproducible replies. */
        public Builder seed(long seed) {
            b.seed(seed);
            return this;
        }

        /** Extra token ids that end the reply when sampled. */
        public Builder stopTokens(int... ids) {
            b.stopTokens(Objects.requireNonNull(ids, "ids"));
            return this;
        }

        /** Texts that end the reply (non-empty strings). */
        public Builder stopStrings(List<String> strings) {
            b.stopStrings(Objects.requireNonNull(strings, "strings"));
            return this;
        }

        /** The options. */
        public GenerationOptions build() {
            return new GenerationOptions(b.build());
        }
    }
}
