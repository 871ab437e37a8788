/**
 * The openPangu-Embedded decoder: weights ({@link org.visionpangu4j.llm.model.DecoderWeights}), the immutable,
 * shareable {@link org.visionpangu4j.llm.model.Decoder}, and per-request
 * {@link org.visionpangu4j.llm.model.Session}s holding the KV cache and scratch buffers. The math is a Llama
 * pre-norm block with biases on q/k/v/o (architecture.md §1.2); all arithmetic goes through engine-kernels.
 */
package org.visionpangu4j.llm.model;
