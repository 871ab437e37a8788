package org.visionpangu4j.vision.model;

import org.visionpangu4j.core.ModelFormatException;

/**
 * InternViT hyper-parameters, as the vision tower runs them. Only what the 300M tower is (LayerNorm, exact GELU,
 * no q/k norm) is implemented; a family's config reader refuses the rest before building this.
 */
public record VisionConfig(
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int patchSize,
        int imageSize,
        int numChannels,
        double layerNormEps,
        boolean qkvBias) {

    public VisionConfig {
        if (hiddenSize <= 0 || numHeads <= 0 || hiddenSize % numHeads != 0) {
            throw new ModelFormatException("vision config: hidden_size " + hiddenSize
                    + " must be a positive multiple of num_attention_heads " + numHeads);
        }
        if (patchSize <= 0 || imageSize <= 0 || imageSize % patchSize != 0) {
            throw new ModelFormatException("vision config: image_size " + imageSize + " must be a positive multiple of"
                    + " patch_size " + patchSize);
        }
        if (intermediateSize <= 0 || numLayers <= 0) {
            throw new ModelFormatException("vision config: intermediate_size " + intermediateSize
                    + " and num_hidden_layers " + numLayers + " must be positive");
        }
        if (hiddenSize > 1 << 16 || intermediateSize > 1 << 18 || imageSize > 1 << 14) {
            throw new ModelFormatException("vision config: sizes out of range (hidden " + hiddenSize + ", intermediate "
                    + intermediateSize + ", image " + imageSize + ")");
        }
        if (numChannels != 3) {
            throw new ModelFormatException("vision config: num_channels is " + numChannels + ", expected 3 (RGB)");
        }
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            throw new ModelFormatException("vision config: layer_norm_eps must be in (0, 1), got " + layerNormEps);
        }
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Patches per side of a tile at the trained resolution. */
    public int gridSize() {
        return imageSize / patchSize;
    }
}
