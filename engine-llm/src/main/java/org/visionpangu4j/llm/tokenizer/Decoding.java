package org.visionpangu4j.llm.tokenizer;

/**
 * The state of one decode (ids → text), shared by a tokenizer's {@code decode} and its {@link StreamingDecoder}:
 * {@link #accept} appends the text an id completes, {@link #finish} what is still held back.
 */
interface Decoding {
    void accept(int id, StringBuilder out);

    void finish(StringBuilder out);
}
