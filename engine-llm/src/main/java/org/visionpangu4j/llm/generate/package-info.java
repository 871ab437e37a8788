/**
 * Sampling and the generation loop: {@link org.visionpangu4j.llm.generate.GenerationOptions},
 * {@link org.visionpangu4j.llm.generate.Sampler} (repetition penalty → temperature → top-k → top-p → seeded draw,
 * or greedy argmax), and {@link org.visionpangu4j.llm.generate.Generator} (prefill, then one token at a time with a
 * per-token {@link org.visionpangu4j.llm.generate.TokenListener} and a
 * {@link org.visionpangu4j.llm.generate.CancellationToken}). Stop strings are the caller's: its listener returns
 * false when one matches, and the result says {@link org.visionpangu4j.llm.generate.StopReason#STOP_STRING}.
 */
package org.visionpangu4j.llm.generate;
