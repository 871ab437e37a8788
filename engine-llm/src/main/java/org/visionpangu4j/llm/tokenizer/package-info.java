/**
 * Pure-Java SentencePiece BPE tokenizer with Hugging Face added/special-token handling ({@link
 * org.visionpangu4j.llm.tokenizer.Tokenizer}), streaming detokenisation and the InternVL image-token ids.
 */
package org.visionpangu4j.llm.tokenizer;
