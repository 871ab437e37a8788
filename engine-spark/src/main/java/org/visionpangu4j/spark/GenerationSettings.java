package org.visionpangu4j.spark;

import org.visionpangu4j.Engine;
import org.visionpangu4j.GenerationOptions;

import java.io.Serializable;
import java.util.List;

/**
 * How each image's caption is generated: the serializable twin of {@link GenerationOptions}. The defaults are
 * those of {@link Engine#caption(java.nio.file.Path)}: greedy, up to {@link Engine#DEFAULT_MAX_NEW_TOKENS} tokens,
 * stopping at the template's end token.
 *
 * @param maxNewTokens      length limit of each caption
 * @param temperature       0 = greedy
 * @param topK              0 = off
 * @param topP              1 = off
 * @param repetitionPenalty 1 = off
 * @param seed              null = a fresh random seed per image; otherwise every image samples from this seed, so
 *                          a retried or speculative task reproduces its captions
 * @param stopStrings       texts that end a caption (cut before the match)
 */
public record GenerationSettings(int maxNewTokens, double temperature, int topK, double topP,
                                 double repetitionPenalty, Long seed, List<String> stopStrings)
        implements Serializable {

    /** Validates now, on the driver (the builder of {@link GenerationOptions} checks every range). */
    public GenerationSettings {
        stopStrings = List.copyOf(stopStrings);
        options(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopStrings);
    }

    /** Greedy, {@link Engine#DEFAULT_MAX_NEW_TOKENS} tokens, like {@link Engine#caption(java.nio.file.Path)}. */
    public static GenerationSettings greedy() {
        return greedy(Engine.DEFAULT_MAX_NEW_TOKENS);
    }

    public static GenerationSettings greedy(int maxNewTokens) {
        return new GenerationSettings(maxNewTokens, 0, 0, 1, 1, null, List.of());
    }

    public GenerationSettings withMaxNewTokens(int n) {
        return new GenerationSettings(n, temperature, topK, topP, repetitionPenalty, seed, stopStrings);
    }

    /** Sampling at temperature {@code t} with top-k {@code k} and top-p {@code p} (0, 0, 1 = greedy). */
    public GenerationSettings withSampling(double t, int k, double p) {
        return new GenerationSettings(maxNewTokens, t, k, p, repetitionPenalty, seed, stopStrings);
    }

    public GenerationSettings withRepetitionPenalty(double r) {
        return new GenerationSettings(maxNewTokens, temperature, topK, topP, r, seed, stopStrings);
    }

    public GenerationSettings withSeed(Long s) {
        return new GenerationSettings(maxNewTokens, temperature, topK, topP, repetitionPenalty, s, stopStrings);
    }

    public GenerationSettings withStopStrings(List<String> stops) {
        return new GenerationSettings(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stops);
    }

    public GenerationOptions toOptions() {
        return options(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopStrings);
    }

    // Static: the compact constructor validates through it before the fields are assigned.
    private static GenerationOptions options(int maxNewTokens, double temperature, int topK, double topP,
                                             double repetitionPenalty, Long seed, List<String> stopStrings) {
        GenerationOptions.Builder b = GenerationOptions.builder()
                .maxNewTokens(maxNewTokens)
                .temperature(temperature)
                .topK(topK)
                .topP(topP)
                .repetitionPenalty(repetitionPenalty)
                .stopStrings(stopStrings);
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }
}
