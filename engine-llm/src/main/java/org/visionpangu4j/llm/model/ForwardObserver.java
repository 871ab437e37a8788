package org.visionpangu4j.llm.model;

/**
 * Test/debug hook into a {@link Session}'s forward pass. Rows arrive per batch (a prefill chunk or one decoded
 * token): row r of {@code x} is position {@code startPos + r}, {@code hidden} floats at {@code x[r·hidden]}.
 * The array is the session's scratch: copy what you keep.
 */
public interface ForwardObserver {
    /** The residual stream after layer {@code layer}. */
    default void layerOutput(int layer, int startPos, int rows, float[] x, int hidden) {
    }

    /** The output of the final RMSNorm (what the LM head reads). */
    default void finalNorm(int startPos, int rows, float[] x, int hidden) {
    }
}
