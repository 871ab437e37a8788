/**
 * Sampling and the generation loop: {@link org.visionpangu4j.llm.generate.GenerationSettings},
 * {@link org.visionpangu4j.llm.generate.Sampler} (repetition penalty → temperature → top-k → top-p → seeded draw,
 * or greedy argmax), {@link org.visionpangu4j.llm.generate.Generator} (prefill, then one token at a time) and
 * {@link org.visionpangu4j.llm.generate.StopCondition}, the one place that decides when and why generation ends
 * (stop ids, token limit, cancellation, stop strings on the decoded reply).
 */
package org.visionpangu4j.llm.generate;
