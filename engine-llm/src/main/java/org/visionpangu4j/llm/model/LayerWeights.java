package org.visionpangu4j.llm.model;

import org.visionpangu4j.kernels.WeightMatrix;

/**
 * One decoder block. Matrices are [out, in] (PyTorch Linear); norm weights and biases are small float[]
 * (biases are null when the config has {@code bias: false}).
 */
public record LayerWeights(
        float[] attnNorm,   // [hidden]
        WeightMatrix wq,    // [heads·headDim, hidden]
        float[] bq,         // [heads·headDim]
        WeightMatrix wk,    // [kvHeads·headDim, hidden]
        float[] bk,         // [kvHeads·headDim]
        WeightMatrix wv,    // [kvHeads·headDim, hidden]
        float[] bv,         // [kvHeads·headDim]
        WeightMatrix wo,    // [hidden, heads·headDim]
        float[] bo,         // [hidden]
        float[] mlpNorm,    // [hidden]
        WeightMatrix wGate, // [intermediate, hidden]
        WeightMatrix wUp,   // [intermediate, hidden]
        WeightMatrix wDown) // [hidden, intermediate]
{
}
