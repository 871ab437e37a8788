package org.visionpangu4j.vision.model;

/**
 * The parameters of the vision tower and projector by role. A checkpoint layout maps each role (and encoder
 * layer) to the tensor name(s) that hold it ({@link VisionTensorNames}); the model never spells a name itself.
 */
public enum VisionTensor {
    /** Conv weight [hidden, 3, patch, patch]. */
    PATCH_WEIGHT,
    PATCH_BIAS,
    /** [1, 1, hidden]. */
    CLASS_EMBEDDING,
    /** [1, G² + 1, hidden] at the trained grid, CLS entry first. */
    POSITION_EMBEDDING,
    NORM1_WEIGHT, NORM1_BIAS,
    /** Fused [3·hidden, hidden] = [q; k; v] rows; a layout that stores q, k and v apart names the three in order. */
    QKV_WEIGHT, QKV_BIAS,
    PROJ_WEIGHT, PROJ_BIAS,
    /** Layer scale of the attention branch [hidden]. */
    LAYER_SCALE1,
    NORM2_WEIGHT, NORM2_BIAS,
    FC1_WEIGHT, FC1_BIAS,
    FC2_WEIGHT, FC2_BIAS,
    LAYER_SCALE2,
    /** mlp1.0: LayerNorm over the pixel-shuffled width. */
    PROJECTOR_NORM_WEIGHT, PROJECTOR_NORM_BIAS,
    /** mlp1.1: [llm hidden, k²·hidden]. */
    PROJECTOR_FC1_WEIGHT, PROJECTOR_FC1_BIAS,
    /** mlp1.3: [llm hidden, llm hidden]. */
    PROJECTOR_FC2_WEIGHT, PROJECTOR_FC2_BIAS;

    /** Whether the role has one tensor per encoder layer. */
    public boolean perLayer() {
        return ordinal() >= NORM1_WEIGHT.ordinal() && ordinal() <= LAYER_SCALE2.ordinal();
    }
}
