package org.visionpangu4j.vision.preprocess;

import org.visionpangu4j.core.ModelFormatException;

/**
 * How images become tiles (InternVL's {@code dynamic_preprocess}).
 *
 * @param tileSize  tile edge in pixels ({@code force_image_size})
 * @param dynamic   dynamic tiling; false = every image is one tile resized to tileSize²
 * @param minTiles  fewest tiles of the grid search
 * @param maxTiles  most tiles of the grid search (without the thumbnail)
 * @param thumbnail append a whole-image thumbnail tile when the grid has more than one tile
 */
public record TilingConfig(int tileSize, boolean dynamic, int minTiles, int maxTiles, boolean thumbnail) {

    public TilingConfig {
        if (tileSize < 1) {
            throw new ModelFormatException("tile size must be positive, got " + tileSize);
        }
        if (minTiles < 1 || maxTiles < minTiles) {
            throw new ModelFormatException("min/max tiles must satisfy 1 ≤ min ≤ max, got " + minTiles + "/" + maxTiles);
        }
    }

    /** The same tiling with the tile budget replaced by {@code max} (a user option); 0 keeps the model's. */
    public TilingConfig withMaxTiles(int max) {
        if (max <= 0) {
            return this;
        }
        return new TilingConfig(tileSize, dynamic, Math.min(minTiles, max), max, thumbnail);
    }
}
