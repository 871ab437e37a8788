package org.visionpangu4j;

/**
 * How the engine holds a group of weights ({@link EngineOptions.Builder#weights}). {@code null} in the options
 * means "as stored in the checkpoint" (a zero-copy view of BF16/F16/F32 tensors); Q8_0 and Q4_0 quantize at load.
 */
public enum WeightFormat {
    /** 32-bit floats. */
    F32(org.visionpangu4j.kernels.WeightFormat.F32),
    /** bfloat16 (the upstream checkpoints' format). */
    BF16(org.visionpangu4j.kernels.WeightFormat.BF16),
    /** IEEE half precision. */
    F16(org.visionpangu4j.kernels.WeightFormat.F16),
    /** 8-bit blocks of 32 with one scale each (ggml's Q8_0): about half of BF16's bytes. */
    Q8_0(org.visionpangu4j.kernels.WeightFormat.Q8_0),
    /** 4-bit blocks of 32 with one scale each (ggml's Q4_0): about a quarter of BF16's bytes. */
    Q4_0(org.visionpangu4j.kernels.WeightFormat.Q4_0);

    private final org.visionpangu4j.kernels.WeightFormat kernel;

    WeightFormat(org.visionpangu4j.kernels.WeightFormat kernel) {
        this.kernel = kernel;
    }

    /** Whether weights in this format are quantized (converted at load). */
    public boolean quantized() {
        return kernel.quantized();
    }

    org.visionpangu4j.kernels.WeightFormat kernel() {
        return kernel;
    }

    static org.visionpangu4j.kernels.WeightFormat kernel(WeightFormat f) {
        return f == null ? null : f.kernel;
    }
}
