package org.visionpangu4j.bench.e2e;

/**
 * The measurements of one configuration, each mean ± sd over the measured runs.
 *
 * @param loadSeconds           load to ready: open + residency + decoder (+ quantization) + vision tower
 * @param rssBytes              peak resident memory of a run (VmHWM after a per-run reset), or RSS at the end of
 *                              each run where the peak cannot be reset (see {@link ProcMemory})
 * @param baseRssBytes          resident memory at the start of a run, before loading (the JVM: heap, code, ...)
 * @param visionSecondsPerTile  vision encode (InternViT + pixel shuffle + mlp1) time / tiles
 * @param imageFirstTokenSeconds JPEG decode + preprocess + vision + splice + prefill of the image prompt, until the
 *                              first logits
 * @param prefillTokensPerSecond pp tokens / prefill time
 * @param decodeTokensPerSecond tg tokens / time of tg single-token decode steps
 * @param weightBytes           bytes of weights as held (decoder after quantization + vision tower as stored)
 * @param kvBytes               bytes of the largest KV cache a run allocated
 * @param loadAverageStart      1-minute load average when the configuration started (NaN where unknown)
 * @param loadAverageEnd        and when it ended
 */
public record BenchResult(BenchPlan.Config config, Stats loadSeconds, Stats rssBytes, Stats baseRssBytes,
                          Stats visionSecondsPerTile, Stats imageFirstTokenSeconds, Stats prefillTokensPerSecond,
                          Stats decodeTokensPerSecond, long weightBytes, long kvBytes, double loadAverageStart,
                          double loadAverageEnd) {

    /** Peak RSS over the memory the model needs (weights + KV): the target is ≤ 1.15. */
    public double rssRatio() {
        return rssBytes.mean() / (double) (weightBytes + kvBytes);
    }
}
