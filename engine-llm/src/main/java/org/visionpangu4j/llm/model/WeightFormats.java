package org.visionpangu4j.llm.model;

import org.visionpangu4j.kernels.WeightFormat;

/**
 * The format each group of decoder matrices is held in; {@code null} means "as stored in the checkpoint"
 * (BF16/F16/F32, a zero-copy view). A non-null format other than the stored one quantizes at load (Q8_0, Q4_0).
 *
 * @param attention q/k/v/o projections
 * @param mlp       gate/up/down projections
 * @param embedding token embedding (only rows are read, one per token)
 * @param lmHead    output projection (streamed whole once per generated token); for a tied head this still picks
 *                  its own format — the same matrix is shared only when both groups ask for the same format
 */
public record WeightFormats(WeightFormat attention, WeightFormat mlp, WeightFormat embedding, WeightFormat lmHead) {

    /** Everything as stored. */
    public static WeightFormats asStored() {
        return new WeightFormats(null, null, null, null);
    }

    /** Every group in {@code format}. */
    public static WeightFormats all(WeightFormat format) {
        return new WeightFormats(format, format, format, format);
    }

    public WeightFormats withAttention(WeightFormat f) {
        return new WeightFormats(f, mlp, embedding, lmHead);
    }

    public WeightFormats withMlp(WeightFormat f) {
        return new WeightFormats(attention, f, embedding, lmHead);
    }

    public WeightFormats withEmbedding(WeightFormat f) {
        return new WeightFormats(attention, mlp, f, lmHead);
    }

    public WeightFormats withLmHead(WeightFormat f) {
        return new WeightFormats(attention, mlp, embedding, f);
    }
}
