package org.visionpangu4j.vision.model;

import org.visionpangu4j.core.ModelFormatException;

/**
 * How vision features become LLM tokens: which encoder layer is read, the pixel-shuffle factor and version,
 * and the LLM width {@code mlp1} projects to.
 *
 * @param selectLayer     InternVL's select_layer: -1 = the last layer; k &lt; -1 = hidden_states[k]; k ≥ 0 = k blocks
 * @param downsampleRatio pixel shuffle ratio (0.5 merges 2×2 patches into one token)
 * @param psV2            ps_version v2 (the transposed order InternVL2+ was trained with) rather than v1
 * @param llmHidden       the decoder's hidden size, the projector's output width
 */
public record ProjectorConfig(int selectLayer, double downsampleRatio, boolean psV2, int llmHidden) {

    public ProjectorConfig {
        shuffleFactor(downsampleRatio);
        if (llmHidden <= 0) {
            throw new ModelFormatException("projector: the LLM hidden size must be positive, got " + llmHidden);
        }
    }

    /** k = 1/downsample_ratio, which must be a whole number (0.5 → 2). */
    public int shuffleFactor() {
        return shuffleFactor(downsampleRatio);
    }

    static int shuffleFactor(double ratio) {
        long k = Math.round(1.0 / ratio);
        if (!(ratio > 0 && ratio <= 1) || k < 1 || Math.abs(k * ratio - 1.0) > 1e-9) {
            throw new ModelFormatException("downsample_ratio " + ratio + " is not 1/k for a whole k");
        }
        return (int) k;
    }

    /** Encoder blocks to run for {@link #selectLayer} in a tower of {@code numLayers}. */
    public int layersToRun(int numLayers) {
        int run = selectLayer < 0 ? numLayers + 1 + selectLayer : selectLayer;
        if (run < 0 || run > numLayers) {
            throw new ModelFormatException("select_layer " + selectLayer + " is outside the " + numLayers
                    + "-layer vision tower");
        }
        return run;
    }

    /**
     * Image tokens per tile of {@code tileSize} pixels with patches of {@code patchSize}: (tile/patch/k)². The one
     * formula of the engine: the prompt's {@code <IMG_CONTEXT>} count and the vision output both come from it.
     */
    public int tokensPerTile(int tileSize, int patchSize) {
        int grid = tileSize / patchSize;
        int k = shuffleFactor();
        if (tileSize % patchSize != 0 || grid % k != 0) {
            throw new ModelFormatException("tile size " + tileSize + " is not a multiple of patch " + patchSize
                    + " × pixel-shuffle factor " + k);
        }
        int g = grid / k;
        return g * g;
    }
}
