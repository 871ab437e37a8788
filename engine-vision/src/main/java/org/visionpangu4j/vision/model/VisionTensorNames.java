package org.visionpangu4j.vision.model;

import java.util.List;

/**
 * Where a checkpoint layout keeps each {@link VisionTensor}. One name normally; several names are row blocks
 * stacked in order into one tensor (q, k and v stored apart, read as the fused qkv).
 */
public interface VisionTensorNames {
    /** The names holding {@code role} (of encoder {@code layer} for per-layer roles; ignored otherwise). */
    List<String> names(VisionTensor role, int layer);

    /**
     * The encoder layer a tensor of the vision tower belongs to, or -1 for tensors outside the encoder layers:
     * how the loader finds layers the config does not count (a config written for another model).
     */
    int encoderLayerOf(String tensorName);
}
