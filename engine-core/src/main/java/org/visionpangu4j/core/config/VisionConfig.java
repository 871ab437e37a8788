package org.visionpangu4j.core.config;

/** InternViT hyper-parameters ({@code vision_config}). */
public record VisionConfig(
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int patchSize,
        int imageSize,
        int numChannels,
        double layerNormEps,
        String normType,
        String hiddenAct,
        boolean qkvBias,
        boolean qkNormalization) {

    public VisionConfig {
        ConfigParser.require(hiddenSize > 0 && numHeads > 0 && hiddenSize % numHeads == 0,
                "vision_config: hidden_size " + hiddenSize + " must be a positive multiple of num_attention_heads " + numHeads);
        ConfigParser.require(patchSize > 0 && imageSize > 0 && imageSize % patchSize == 0,
                "vision_config: image_size " + imageSize + " must be a multiple of patch_size " + patchSize);
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Patches per side of a tile. */
    public int gridSize() {
        return imageSize / patchSize;
    }
}
