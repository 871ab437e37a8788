/**
 * The Llama-style decoder (openPangu-Embedded, Qwen2): weights ({@link org.visionpangu4j.llm.model.DecoderWeights}),
 * the immutable, shareable {@link org.visionpangu4j.llm.model.Decoder}, and per-request
 * {@link org.visionpangu4j.llm.model.Session}s holding the KV cache and scratch buffers. A pre-norm block whose
 * flavours differ only in their {@link org.visionpangu4j.llm.model.DecoderConfig} (which projections carry
 * biases); all arithmetic goes through engine-kernels.
 */
package org.visionpangu4j.llm.model;
