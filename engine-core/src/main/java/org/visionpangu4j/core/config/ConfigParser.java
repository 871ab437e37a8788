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
            throw new ModelFormatException(file + ": not valid JSON: " + e.getMessage(), e);
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

    public static ModelConfig parse(JsonNode root) {
        JsonNode v = object(root, "vision_config");
        JsonNode l = object(root, "llm_config");
        VisionConfig vision = new VisionConfig(
                requiredInt(v, "vision_config", "hidden_size"),
                requiredInt(v, "vision_config", "intermediate_size"),
                requiredInt(v, "vision_config", "num_hidden_layers"),
                requiredInt(v, "vision_config", "num_attention_heads"),
                requiredInt(v, "vision_config", "patch_size"),
                requiredInt(v, "vision_config", "image_size"),
                optInt(v, "num_channels", 3),
                optDouble(v, "layer_norm_eps", 1e-6),
                optText(v, "norm_type", "rms_norm"),
                optText(v, "hidden_act", "gelu"),
                optBool(v, "qkv_bias", false),
                optBool(v, "qk_normalization", true));
        int hidden = requiredInt(l, "llm_config", "hidden_size");
        int heads = requiredInt(l, "llm_config", "num_attention_heads");
        int vocab = requiredInt(l, "llm_config", "vocab_size");
        int maxPos = optInt(l, "max_position_embeddings", 32768);
        LlmConfig llm = new LlmConfig(
                hidden,
                requiredInt(l, "llm_config", "intermediate_size"),
                requiredInt(l, "llm_config", "num_hidden_layers"),
                heads,
                optInt(l, "num_key_value_heads", heads),
                optInt(l, "head_dim", hidden / heads),
                vocab,
                optDouble(l, "rope_theta", 10000.0),
                optDouble(l, "rms_norm_eps", 1e-6),
                optBool(l, "bias", optBool(l, "attention_bias", false)),
                optBool(l, "tie_word_embeddings", optBool(root, "tie_word_embeddings", false)),
                optInt(l, "bos_token_id", 1),
                optInt(l, "eos_token_id", 2),
                optInt(l, "pad_token_id", 0),
                maxPos);
        if (l.has("rope_scaling") && !l.get("rope_scaling").isNull()) {
            throw new UnsupportedOperationException("llm_config.rope_scaling " + l.get("rope_scaling")
                    + " is not supported (openPangu-Embedded uses plain RoPE)");
        }
        String ps = optText(root, "ps_version", "v1");
        require(ps.equals("v1") || ps.equals("v2"), "ps_version must be 'v1' or 'v2', got '" + ps + "'");
        ModelConfig cfg = new ModelConfig(
                vision,
                llm,
                optDouble(root, "downsample_ratio", 0.5),
                ps,
                optInt(root, "select_layer", -1),
                optText(root, "template", "openpangu"),
                optInt(root, "force_image_size", vision.imageSize()),
                optBool(root, "dynamic_image_size", false),
                optInt(root, "min_dynamic_patch", 1),
                optInt(root, "max_dynamic_patch", 6),
                optBool(root, "use_thumbnail", false));
        require(cfg.selectLayer() < 0 ? -cfg.selectLayer() <= vision.numLayers() + 1 : cfg.selectLayer() <= vision.numLayers(),
                "select_layer " + cfg.selectLayer() + " is outside the " + vision.numLayers() + "-layer vision tower");
        require(cfg.minDynamicPatch() >= 1 && cfg.maxDynamicPatch() >= cfg.minDynamicPatch(),
                "min/max_dynamic_patch must satisfy 1 ≤ min ≤ max");
        return cfg;
    }

    private static JsonNode object(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isObject()) {
            throw new ModelFormatException("missing required object '" + key + "'");
        }
        return v;
    }

    private static int requiredInt(JsonNode node, String where, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ModelFormatException("missing or non-integer required key '" + where + "." + key + "'");
        }
        return v.intValue();
    }

    private static int optInt(JsonNode node, String key, int def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ModelFormatException("key '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static double optDouble(JsonNode node, String key, double def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber()) {
            throw new ModelFormatException("key '" + key + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static boolean optBool(JsonNode node, String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.intValue() != 0;
        }
        throw new ModelFormatException("key '" + key + "' must be a boolean, got " + v);
    }

    private static String optText(JsonNode node, String key, String def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isTextual()) {
            throw new ModelFormatException("key '" + key + "' must be a string, got " + v);
        }
        return v.asText();
    }
}
