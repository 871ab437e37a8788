package org.visionpangu4j.llm.tokenizer;

/**
 * A Hugging Face added token: cut out of the text before pre-tokenization and emitted verbatim when decoding.
 *
 * @param id         its id (beyond the regular vocabulary, or overriding a regular id)
 * @param content    the exact text
 * @param special    tokenizers' {@code special} flag (what a {@code tokenizer.json} tokenizer skips)
 * @param lstrip     the token swallows the whitespace on its left
 * @param rstrip     the token swallows the whitespace on its right
 * @param normalized the token is matched in normalized text ({@code tokenizer.json} only)
 * @param singleWord the token only matches as a whole word
 */
record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean normalized,
                  boolean singleWord) {
}
