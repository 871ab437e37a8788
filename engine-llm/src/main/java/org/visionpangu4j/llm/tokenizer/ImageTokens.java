package org.visionpangu4j.llm.tokenizer;

/**
 * Ids of the InternVL image tokens, read from the tokenizer's added tokens (see {@link Tokenizer#imageTokens()}).
 * Every {@code <IMG_CONTEXT>} position of a prompt has its embedding replaced by one projected vision feature.
 */
public record ImageTokens(int imgStart, int imgEnd, int imgContext) {
    /** InternVL's token strings (IMG_START_TOKEN, IMG_END_TOKEN, IMG_CONTEXT_TOKEN). */
    public static final String IMG_START = "<img>";
    public static final String IMG_END = "</img>";
    public static final String IMG_CONTEXT = "<IMG_CONTEXT>";
}
