package org.visionpangu4j.llm.model;

import org.visionpangu4j.core.ModelFormatException;

/**
 * The hyper-parameters of a Llama-style decoder (openPangu-Embedded, Qwen2): every value the forward pass uses,
 * read from the model's config by its family. Which projections carry a bias differs per family (openPangu: q, k,
 * v and o; Qwen2: q, k and v only).
 *
 * @param maxPositionEmbeddings the longest sequence the position encoding is defined for (RoPE as trained)
 */
public record DecoderConfig(
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        double ropeTheta,
        double rmsNormEps,
        boolean qkvBias,
        boolean outputBias,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings) {

    public DecoderConfig {
        require(hiddenSize > 0, "hidden_size", hiddenSize);
        require(intermediateSize > 0, "intermediate_size", intermediateSize);
        require(numLayers > 0, "num_hidden_layers", numLayers);
        require(numHeads > 0, "num_attention_heads", numHeads);
        require(numKvHeads > 0, "num_key_value_heads", numKvHeads);
        require(headDim > 0 && headDim % 2 == 0, "head_dim (positive and even, for RoPE)", headDim);
        require(vocabSize > 0, "vocab_size", vocabSize);
        require(maxPositionEmbeddings > 0, "max_position_embeddings", maxPositionEmbeddings);
        if (!(ropeTheta > 1) || !Double.isFinite(ropeTheta)) {
            throw new ModelFormatException("decoder config: rope_theta must be a finite number > 1, got " + ropeTheta);
        }
        if (!(rmsNormEps > 0 && rmsNormEps < 1)) {
            throw new ModelFormatException("decoder config: rms_norm_eps must be in (0, 1), got " + rmsNormEps);
        }
        if (numHeads % numKvHeads != 0) {
            throw new ModelFormatException("decoder config: num_attention_heads " + numHeads
                    + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
        if ((long) numHeads * headDim > 1 << 20 || (long) intermediateSize > 1 << 22 || (long) hiddenSize > 1 << 20) {
            throw new ModelFormatException("decoder config: widths out of range (hidden " + hiddenSize + ", heads × head_dim "
                    + (long) numHeads * headDim + ", intermediate " + intermediateSize + ")");
        }
    }

    private static void require(boolean ok, String key, int value) {
        if (!ok) {
            throw new ModelFormatException("decoder config: " + key + " must be positive, got " + value);
        }
    }

    /** Query heads per KV head (query heads g·j … g·j+g−1 share KV head j). */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    public int qDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }
}
