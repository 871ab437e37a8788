package org.visionpangu4j.llm.generate;

/**
 * The outcome of one generation.
 *
 * @param tokens        generated ids in order (a sampled stop id is not included)
 * @param promptTokens  length of the prompt that was prefilled
 * @param stopReason    why generation ended
 * @param stopTokenId   the stop id that ended it for {@link StopReason#EOS}, else −1
 * @param prefillMillis wall time of the prefill (prompt forward pass, first logits)
 * @param decodeMillis  wall time from the end of the prefill to the end (sampling + every decode step)
 * @param decodeSteps   decode forward passes run (one per generated token that was fed back)
 * @param seed          the sampler's seed (the one used when the options gave none)
 */
public record GenerationResult(int[] tokens, int promptTokens, StopReason stopReason, int stopTokenId,
                               double prefillMillis, double decodeMillis, int decodeSteps, long seed) {

    public GenerationResult {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Prompt tokens per second of prefill. */
    public double prefillTokensPerSecond() {
        return prefillMillis > 0 ? promptTokens * 1000.0 / prefillMillis : Double.NaN;
    }

    /** Decode steps per second (0 steps → NaN). */
    public double decodeTokensPerSecond() {
        return decodeSteps > 0 && decodeMillis > 0 ? decodeSteps * 1000.0 / decodeMillis : Double.NaN;
    }
}
