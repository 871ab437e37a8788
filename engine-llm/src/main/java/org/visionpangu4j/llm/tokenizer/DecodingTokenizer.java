package org.visionpangu4j.llm.tokenizer;

/**
 * What both tokenizers share: whole-sequence decoding and streaming decoding are the same {@link Decoding} state
 * machine, fed all ids at once or one id at a time, so their outputs agree by construction.
 */
abstract class DecodingTokenizer implements Tokenizer {

    /** A fresh decoding state; {@code skipSpecialTokens} drops what {@link #isSpecial} says. */
    abstract Decoding newDecoding(boolean skipSpecialTokens);

    @Override
    public final String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder(ids.length * 4);
        Decoding d = newDecoding(skipSpecialTokens);
        for (int id : ids) {
            d.accept(id, out);
        }
        d.finish(out);
        return out.toString();
    }

    @Override
    public final StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(newDecoding(skipSpecialTokens));
    }
}
