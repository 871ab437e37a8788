package org.visionpangu4j.kernels;

import java.lang.foreign.Arena;

/** Q4_0 weights quantized at load. */
final class Q4_0Matrix {
    private Q4_0Matrix() {
    }

    static WeightMatrix quantize(WeightMatrix source, Arena arena) {
        throw new UnsupportedOperationException("Q4_0 quantization is not implemented yet");
    }
}
