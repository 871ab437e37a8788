package org.visionpangu4j.kernels;

import java.lang.foreign.Arena;

/** Q8_0 weights quantized at load. */
final class Q8_0Matrix {
    private Q8_0Matrix() {
    }

    static WeightMatrix quantize(WeightMatrix source, Arena arena) {
        throw new UnsupportedOperationException("Q8_0 quantization is not implemented yet");
    }
}
