package org.visionpangu4j.llm.tokenizer;

/**
 * Incremental detokenisation for streaming generation: {@link #feed} one id at a time and get the text it
 * completes. Bytes of a character split over several byte pieces are held back until the character is complete
 * (or can no longer be valid), so no half character is ever returned. After the last id, {@link #finish} returns
 * whatever is still held (U+FFFD per byte of an incomplete character). The concatenation of all returned strings
 * equals {@link Tokenizer#decode(int[], boolean)} of the same ids. Not thread-safe: one per sequence.
 */
public final class StreamingDecoder {
    private final Decoding decoding;
    private final StringBuilder buf = new StringBuilder();

    StreamingDecoder(Decoding decoding) {
        this.decoding = decoding;
    }

    /** Adds one token id; returns the newly completed text (possibly empty). */
    public String feed(int id) {
        buf.setLength(0);
        decoding.accept(id, buf);
        return buf.toString();
    }

    /** Ends the sequence; returns the held-back remainder (usually empty). The decoder can then be reused. */
    public String finish() {
        buf.setLength(0);
        decoding.finish(buf);
        return buf.toString();
    }
}
