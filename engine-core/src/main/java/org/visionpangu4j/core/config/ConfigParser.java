package org.visionpangu4j.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.core.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code config.json} (InternVL-chat layout) into {@link ModelConfig}. */
public final class ConfigParser {
    private ConfigParser() {
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new ModelFormatException(message);
        }
    }

    /** Parses {@code path} (a config.json file or a model directory containing one). */
    public static ModelConfig parse(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + ": config.json not found");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": not valid JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": not a JSON object");
        }
        try {
            return parse(root);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds the records from a parsed config. Shape-defining keys are required (upstream defaults for them
     * describe other model sizes); other keys default as upstream does: {@code InternVLChatConfig} for the top
     * level, {@code InternVisionConfig} for {@code vision_config}, {@code PanguEmbeddedConfig} for
     * {@code llm_config}. One exception: upstream has no default {@code template}; ours is {@code openpangu}.
     */
    public static ModelConfig parse(JsonNode root) {
        JsonNode v = object(root, "vision_config");
        JsonNode l = object(root, "llm_config");
        String vc = "vision_config";
        String lc = "llm_config";
        VisionConfig vision = new VisionConfig(
                requiredInt(v, vc, "hidden_size"),
                requiredInt(v, vc, "intermediate_size"),
                requiredInt(v, vc, "num_hidden_layers"),
                requiredInt(v, vc, "num_attention_heads"),
                requiredInt(v, vc, "patch_size"),
                requiredInt(v, vc, "image_size"),
                optInt(v, vc, "num_channels", 3),
                optDouble(v, vc, "layer_norm_eps", 1e-6),
                optText(v, vc, "norm_type", "rms_norm"),
                optText(v, vc, "hidden_act", "gelu"),
                optBool(v, vc, "qkv_bias", false),
                optBool(v, vc, "qk_normalization", true));
        int hidden = requiredInt(l, lc, "hidden_size");
        int heads = requiredInt(l, lc, "num_attention_heads");
        require(heads > 0, "llm_config.num_attention_heads must be positive, got " + heads);
        LlmConfig llm = new LlmConfig(
                hidden,
                requiredInt(l, lc, "intermediate_size"),
                requiredInt(l, lc, "num_hidden_layers"),
                heads,
                requiredInt(l, lc, "num_key_value_heads"),
                optInt(l, lc, "head_dim", hidden / heads),
                requiredInt(l, lc, "vocab_size"),
                optDouble(l, lc, "rope_theta", 16_000_000.0),
                optDouble(l, lc, "rms_norm_eps", 1e-5),
                // openPangu spells it "bias"; Llama-style configs say "attention_bias".
                optBool(l, lc, "bias", optBool(l, lc, "attention_bias", true)),
                optBool(l, lc, "tie_word_embeddings", optBool(root, "", "tie_word_embeddings", false)),
                optInt(l, lc, "bos_token_id", 1),
                optInt(l, lc, "eos_token_id", 45892),
                optInt(l, lc, "pad_token_id", 0),
                optInt(l, lc, "max_position_embeddings", 32768));
        if (l.has("rope_scaling") && !l.get("rope_scaling").isNull()) {
            throw new UnsupportedOperationException("llm_config.rope_scaling " + l.get("rope_scaling")
                    + " is not supported (openPangu-Embedded uses plain RoPE)");
        }
        String ps = optText(root, "", "ps_version", "v1");
        require(ps.equals("v1") || ps.equals("v2"), "ps_version must be 'v1' or 'v2', got '" + ps + "'");
        ModelConfig cfg = new ModelConfig(
                vision,
                llm,
                optDouble(root, "", "downsample_ratio", 0.5),
                ps,
                optInt(root, "", "select_layer", -1),
                optText(root, "", "template", "openpangu"),
                optInt(root, "", "force_image_size", vision.imageSize()),
                optBool(root, "", "dynamic_image_size", false),
                optInt(root, "", "min_dynamic_patch", 1),
                optInt(root, "", "max_dynamic_patch", 6),
                optBool(root, "", "use_thumbnail", false));
        validate(cfg);
        return cfg;
    }

    private static void validate(ModelConfig cfg) {
        VisionConfig vision = cfg.vision();
        require(cfg.selectLayer() < 0 ? -cfg.selectLayer() <= vision.numLayers() + 1 : cfg.selectLayer() <= vision.numLayers(),
                "select_layer " + cfg.selectLayer() + " is outside the " + vision.numLayers() + "-layer vision tower");
        require(cfg.minDynamicPatch() >= 1 && cfg.maxDynamicPatch() >= cfg.minDynamicPatch(),
                "min/max_dynamic_patch must satisfy 1 ≤ min ≤ max, got " + cfg.minDynamicPatch() + "/"
                        + cfg.maxDynamicPatch());
        require(cfg.forceImageSize() > 0 && cfg.forceImageSize() % vision.patchSize() == 0,
                "force_image_size " + cfg.forceImageSize() + " must be a positive multiple of patch_size "
                        + vision.patchSize());
        // Pixel shuffle merges 1/ratio × 1/ratio patches into one token: the grid must divide evenly.
        double ratio = cfg.downsampleRatio();
        int grid = cfg.forceImageSize() / vision.patchSize();
        double merged = grid * ratio;
        require(ratio > 0 && ratio <= 1 && Math.abs(1 / ratio - Math.rint(1 / ratio)) < 1e-9
                        && Math.abs(merged - Math.rint(merged)) < 1e-9,
                "downsample_ratio " + ratio + " must be 1/k for an integer k dividing the " + grid + "-patch grid");
        LlmConfig llm = cfg.llm();
        require(llm.intermediateSize() > 0 && llm.vocabSize() > 0 && llm.rmsNormEps() > 0 && llm.ropeTheta() > 0,
                "llm_config: intermediate_size, vocab_size, rms_norm_eps and rope_theta must be positive");
        require(vision.intermediateSize() > 0 && vision.numLayers() > 0 && vision.layerNormEps() > 0,
                "vision_config: intermediate_size, num_hidden_layers and layer_norm_eps must be positive");
    }

    private static JsonNode object(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new ModelFormatException("missing required key '" + key + "' (an object)");
        }
        if (!v.isObject()) {
            throw new ModelFormatException("key '" + key + "' must be an object, got " + v.getNodeType());
        }
        return v;
    }

    private static String path(String where, String key) {
        return where.isEmpty() ? key : where + "." + key;
    }

    private static int requiredInt(JsonNode node, String where, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new ModelFormatException("missing required key '" + path(where, key) + "' (an integer)");
        }
        return asInt(v, where, key);
    }

    private static int asInt(JsonNode v, String where, String key) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ModelFormatException("key '" + path(where, key) + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static int optInt(JsonNode node, String where, String key, int def) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? def : asInt(v, where, key);
    }

    private static double optDouble(JsonNode node, String where, String key, double def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber()) {
            throw new ModelFormatException("key '" + path(where, key) + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static boolean optBool(JsonNode node, String where, String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        // InternVL writes some flags as 0/1 (use_backbone_lora, use_llm_lora).
        if (v.isIntegralNumber()) {
            return v.intValue() != 0;
        }
        throw new ModelFormatException("key '" + path(where, key) + "' must be a boolean, got " + v);
    }

    private static String optText(JsonNode node, String where, String key, String def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isTextual()) {
            throw new ModelFormatException("key '" + path(where, key) + "' must be a string, got " + v);
        }
        return v.asText();
    }
}
