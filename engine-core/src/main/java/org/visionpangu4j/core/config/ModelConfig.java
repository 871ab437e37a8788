package org.visionpangu4j.core.config;

/**
 * An InternVL-chat {@code config.json}: vision tower, decoder, and the glue between them. Immutable; parse with
 * {@link ConfigParser#parse(java.nio.file.Path)}. Defaults follow upstream {@code InternVLChatConfig} where a key
 * is optional.
 */
public record ModelConfig(
        VisionConfig vision,
        LlmConfig llm,
        double downsampleRatio,
        String psVersion,
        int selectLayer,
        String template,
        int forceImageSize,
        boolean dynamicImageSize,
        int minDynamicPatch,
        int maxDynamicPatch,
        boolean useThumbnail) {

    /** Image tokens per tile after pixel shuffle: (tile/patch)² × ratio². */
    public int tokensPerTile() {
        int grid = forceImageSize / vision.patchSize();
        int merged = (int) Math.round(grid * downsampleRatio);
        return merged * merged;
    }

    /** Tile edge in pixels. */
    public int tileSize() {
        return forceImageSize;
    }
}
