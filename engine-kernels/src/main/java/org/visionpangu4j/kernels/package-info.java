/**
 * SIMD kernels on the Java Vector API and their scalar references: GEMV/GEMM per weight format, quantizers,
 * norms, activations, softmax, RoPE, attention and the KV cache. Pure functions over float arrays and
 * MemorySegments; nothing here knows any model. The vector width comes from {@link org.visionpangu4j.kernels.Simd}.
 */
package org.visionpangu4j.kernels;
