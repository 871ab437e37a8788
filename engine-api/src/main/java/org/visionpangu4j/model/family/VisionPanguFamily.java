package org.visionpangu4j.model.family;

import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.config.ConfigNode;
import org.visionpangu4j.llm.chat.ChatTemplate;
import org.visionpangu4j.llm.chat.ChatTemplates;
import org.visionpangu4j.llm.chat.OpenPanguTemplate;
import org.visionpangu4j.llm.model.DecoderConfig;
import org.visionpangu4j.llm.tokenizer.SentencePieceTokenizer;
import org.visionpangu4j.llm.tokenizer.Tokenizer;
import org.visionpangu4j.model.ModelFamily;

import java.nio.file.Path;
import java.util.List;

/**
 * VisionPangu: the openPangu-Embedded decoder (Llama-style, biases on q, k, v and o, RoPE without scaling), its
 * SentencePiece tokenizer ({@code tokenizer.model} + HF side files) and the {@code openpangu} chat template.
 * Optional {@code llm_config} keys default as upstream's {@code PanguEmbeddedConfig} does.
 */
public final class VisionPanguFamily implements ModelFamily {

    @Override
    public String name() {
        return "VisionPangu (openPangu-Embedded)";
    }

    @Override
    public boolean recognises(List<String> architectures, String modelType) {
        return architectures.contains("PanguEmbeddedForCausalLM") || "PanguEmbedded".equals(modelType);
    }

    @Override
    public String describeArchitectures() {
        return "PanguEmbeddedForCausalLM / model_type PanguEmbedded";
    }

    @Override
    public DecoderConfig decoderConfig(ConfigNode l, ConfigNode root) {
        if (l.has("rope_scaling")) {
            throw new UnsupportedModelException(l.source() + ": " + l.where("rope_scaling") + " " + l.raw("rope_scaling")
                    + " is not supported (openPangu-Embedded uses plain RoPE)");
        }
        String act = l.optText("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new UnsupportedModelException(l.source() + ": " + l.where("hidden_act") + " '" + act
                    + "' is not supported (the decoder's MLP is SwiGLU with silu)");
        }
        int hidden = l.requiredInt("hidden_size");
        int heads = l.requiredInt("num_attention_heads");
        l.require(heads > 0, l.where("num_attention_heads") + " must be positive, got " + heads);
        // openPangu spells it "bias" (q, k, v and o); Llama-style configs say "attention_bias".
        boolean bias = l.optBool("bias", l.optBool("attention_bias", true));
        return new DecoderConfig(
                hidden,
                l.requiredInt("intermediate_size"),
                l.requiredInt("num_hidden_layers"),
                heads,
                l.requiredInt("num_key_value_heads"),
                l.optInt("head_dim", hidden / heads),
                l.requiredInt("vocab_size"),
                l.optDouble("rope_theta", 16_000_000.0),
                l.optDouble("rms_norm_eps", 1e-5),
                bias,
                bias,
                l.optBool("tie_word_embeddings", root.optBool("tie_word_embeddings", false)),
                l.optInt("max_position_embeddings", 32768));
    }

    @Override
    public Tokenizer loadTokenizer(Path modelDir) {
        return SentencePieceTokenizer.load(modelDir);
    }

    @Override
    public ChatTemplate template(String name) {
        // Upstream InternVL has no default template; ours is openPangu's.
        return ChatTemplates.forName(name == null ? OpenPanguTemplate.NAME : name);
    }
}
