package org.visionpangu4j.core.config;

/** The decoder's hyper-parameters ({@code llm_config} of an InternVL-chat config; openPangu-Embedded keys). */
public record LlmConfig(
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        double ropeTheta,
        double rmsNormEps,
        boolean attentionBias,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int eosTokenId,
        int padTokenId,
        int maxPositionEmbeddings) {

    public LlmConfig {
        ConfigParser.require(hiddenSize > 0 && numLayers > 0 && numHeads > 0 && numKvHeads > 0 && headDim > 0,
                "llm_config: sizes must be positive");
        ConfigParser.require(numHeads % numKvHeads == 0,
                "llm_config: num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads " + numKvHeads);
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
