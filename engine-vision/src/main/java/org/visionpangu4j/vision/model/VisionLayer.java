package org.visionpangu4j.vision.model;

import org.visionpangu4j.kernels.WeightMatrix;

/** One InternViT encoder block's parameters. Biases may be null where the config says none. */
record VisionLayer(
        float[] norm1Weight, float[] norm1Bias,
        WeightMatrix qkv, float[] qkvBias,
        WeightMatrix proj, float[] projBias,
        float[] ls1,
        float[] norm2Weight, float[] norm2Bias,
        WeightMatrix fc1, float[] fc1Bias,
        WeightMatrix fc2, float[] fc2Bias,
        float[] ls2) {
}
