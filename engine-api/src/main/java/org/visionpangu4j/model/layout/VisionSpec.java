package org.visionpangu4j.model.layout;

import org.visionpangu4j.vision.model.ProjectorConfig;
import org.visionpangu4j.vision.model.VisionConfig;
import org.visionpangu4j.vision.preprocess.TilingConfig;

/** The vision half of a model's config: the InternViT tower, the pixel-shuffle projector and the tiling. */
public record VisionSpec(VisionConfig tower, ProjectorConfig projector, TilingConfig tiling) {

    /** Image tokens per tile: the one count both the prompt and the vision output follow. */
    public int tokensPerTile() {
        return projector.tokensPerTile(tiling.tileSize(), tower.patchSize());
    }
}
