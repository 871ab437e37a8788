/**
 * Pure-Java tokenizers with Hugging Face added/special-token handling ({@link
 * org.visionpangu4j.llm.tokenizer.Tokenizer}): SentencePiece BPE (openPangu) and byte-level BPE (Qwen2, for
 * InternVL2.5/3); streaming detokenisation and the InternVL image-token ids.
 */
package org.visionpangu4j.llm.tokenizer;
