package org.visionpangu4j.llm.model;

import org.visionpangu4j.core.safetensors.TensorNames;

/**
 * Where a checkpoint layout keeps the decoder: every tensor under {@code prefix} with the Hugging Face Llama names
 * ({@code embed_tokens.weight}, {@code layers.N.self_attn.q_proj.weight}, …, {@code norm.weight}), and the LM head
 * at {@code lmHead} (absent when the embedding is tied).
 */
public record DecoderTensorNames(String prefix, String lmHead) {

    public String embedding() {
        return prefix + "embed_tokens.weight";
    }

    /** The layer a tensor name belongs to, or -1 when it is not under {@code prefix + "layers."}. */
    public int layerOf(String tensorName) {
        return TensorNames.layerIndex(tensorName, prefix + "layers.");
    }
}
