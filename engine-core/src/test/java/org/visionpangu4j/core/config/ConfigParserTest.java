package org.visionpangu4j.core.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void parsesFixtureConfig() {
        ModelConfig c = ConfigParser.parse(TestData.tinyModel());
        VisionConfig v = c.vision();
        assertEquals(new VisionConfig(64, 128, 2, 4, 14, 112, 3, 1e-6, "layer_norm", "gelu", true, false), v);
        assertEquals(16, v.headDim());
        assertEquals(8, v.gridSize());
        LlmConfig l = c.llm();
        assertEquals(new LlmConfig(96, 192, 2, 6, 2, 16, 1545, 4_000_000.0, 1e-5, true, false, 1, 15, 0, 32768), l);
        assertEquals(3, l.groupSize());
        assertEquals(96, l.qDim());
        assertEquals(32, l.kvDim());
        assertEquals(0.5, c.downsampleRatio());
        assertEquals("v2", c.psVersion());
        assertEquals(-1, c.selectLayer());
        assertEquals("openpangu", c.template());
        assertEquals(112, c.forceImageSize());
        assertTrue(c.dynamicImageSize());
        assertEquals(1, c.minDynamicPatch());
        assertEquals(6, c.maxDynamicPatch());
        assertTrue(c.useThumbnail());
        assertEquals(16, c.tokensPerTile());
        assertEquals(112, c.tileSize());
        // The same through the file path rather than the directory.
        assertEquals(c, ConfigParser.parse(TestData.tinyModel().resolve("config.json")));
    }

    /** The fixture config with one edit applied. */
    private static ObjectNode fixtureWith(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(TestData.tinyModel().resolve("config.json").toFile());
        edit.accept(root);
        return root;
    }

    private static void assertError(Consumer<ObjectNode> edit, String fragment) throws IOException {
        ObjectNode root = fixtureWith(edit);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigParser.parse(root));
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    private static ObjectNode llm(ObjectNode root) {
        return (ObjectNode) root.get("llm_config");
    }

    private static ObjectNode vision(ObjectNode root) {
        return (ObjectNode) root.get("vision_config");
    }

    @Test
    void missingRequiredKeysAreNamed() throws IOException {
        assertError(r -> r.remove("vision_config"), "missing required key 'vision_config' (an object)");
        assertError(r -> r.remove("llm_config"), "missing required key 'llm_config' (an object)");
        assertError(r -> llm(r).remove("hidden_size"), "missing required key 'llm_config.hidden_size' (an integer)");
        assertError(r -> llm(r).remove("vocab_size"), "missing required key 'llm_config.vocab_size'");
        assertError(r -> llm(r).remove("num_key_value_heads"), "missing required key 'llm_config.num_key_value_heads'");
        assertError(r -> vision(r).remove("patch_size"), "missing required key 'vision_config.patch_size'");
        assertError(r -> vision(r).putNull("num_hidden_layers"), "missing required key 'vision_config.num_hidden_layers'");
    }

    @Test
    void wrongTypesAreNamed() throws IOException {
        assertError(r -> r.put("vision_config", "InternViT"), "key 'vision_config' must be an object, got STRING");
        assertError(r -> llm(r).put("hidden_size", "96"), "key 'llm_config.hidden_size' must be an integer, got \"96\"");
        assertError(r -> llm(r).put("hidden_size", 96.5), "key 'llm_config.hidden_size' must be an integer, got 96.5");
        assertError(r -> llm(r).put("rope_theta", "4e6"), "key 'llm_config.rope_theta' must be a number");
        assertError(r -> llm(r).put("bias", "yes"), "key 'llm_config.bias' must be a boolean");
        assertError(r -> vision(r).put("norm_type", 1), "key 'vision_config.norm_type' must be a string");
        assertError(r -> r.put("use_thumbnail", "true"), "key 'use_thumbnail' must be a boolean");
        assertError(r -> r.put("max_dynamic_patch", 1L << 40), "key 'max_dynamic_patch' must be an integer");
    }

    @Test
    void inconsistentValuesAreRejected() throws IOException {
        assertError(r -> r.put("ps_version", "v3"), "ps_version must be 'v1' or 'v2', got 'v3'");
        assertError(r -> r.put("select_layer", -4), "select_layer -4 is outside the 2-layer vision tower");
        assertError(r -> r.put("min_dynamic_patch", 7), "min/max_dynamic_patch must satisfy");
        assertError(r -> r.put("force_image_size", 100), "force_image_size 100 must be a positive multiple of patch_size 14");
        assertError(r -> r.put("downsample_ratio", 0.3), "downsample_ratio 0.3 must be 1/k");
        assertError(r -> llm(r).put("num_key_value_heads", 4), "num_attention_heads 6 is not a multiple of num_key_value_heads 4");
        assertError(r -> vision(r).put("num_attention_heads", 5), "hidden_size 64 must be a positive multiple of num_attention_heads 5");
    }

    @Test
    void optionalKeysTakeUpstreamDefaults() throws IOException {
        ObjectNode root = fixtureWith(r -> {
            for (String k : new String[]{"downsample_ratio", "ps_version", "select_layer", "template", "force_image_size",
                    "dynamic_image_size", "min_dynamic_patch", "max_dynamic_patch", "use_thumbnail", "tie_word_embeddings"}) {
                r.remove(k);
            }
            llm(r).remove(java.util.List.of("rope_theta", "rms_norm_eps", "bias", "bos_token_id", "eos_token_id",
                    "pad_token_id", "tie_word_embeddings", "max_position_embeddings"));
            vision(r).remove(java.util.List.of("layer_norm_eps", "norm_type", "hidden_act", "qkv_bias",
                    "qk_normalization", "num_channels"));
        });
        ModelConfig c = ConfigParser.parse(root);
        // InternVLChatConfig
        assertEquals(0.5, c.downsampleRatio());
        assertEquals("v1", c.psVersion());
        assertEquals(-1, c.selectLayer());
        assertEquals(112, c.forceImageSize(), "falls back to vision_config.image_size");
        assertFalse(c.dynamicImageSize());
        assertEquals(1, c.minDynamicPatch());
        assertEquals(6, c.maxDynamicPatch());
        assertFalse(c.useThumbnail());
        assertEquals("openpangu", c.template());
        // PanguEmbeddedConfig
        LlmConfig l = c.llm();
        assertEquals(16_000_000.0, l.ropeTheta());
        assertEquals(1e-5, l.rmsNormEps());
        assertTrue(l.attentionBias());
        assertEquals(1, l.bosTokenId());
        assertEquals(45892, l.eosTokenId());
        assertEquals(0, l.padTokenId());
        assertFalse(l.tieWordEmbeddings());
        assertEquals(32768, l.maxPositionEmbeddings());
        assertEquals(16, l.headDim(), "hidden / heads");
        // InternVisionConfig
        VisionConfig v = c.vision();
        assertEquals(1e-6, v.layerNormEps());
        assertEquals("rms_norm", v.normType());
        assertEquals("gelu", v.hiddenAct());
        assertFalse(v.qkvBias());
        assertTrue(v.qkNormalization());
        assertEquals(3, v.numChannels());
    }

    @Test
    void llamaStyleAttentionBiasAndTopLevelTie() throws IOException {
        ModelConfig c = ConfigParser.parse(fixtureWith(r -> {
            llm(r).remove("bias");
            llm(r).put("attention_bias", false);
            llm(r).remove("tie_word_embeddings");
            r.put("tie_word_embeddings", true);
        }));
        assertFalse(c.llm().attentionBias());
        assertTrue(c.llm().tieWordEmbeddings());
    }

    @Test
    void ropeScalingIsUnsupported() throws IOException {
        ObjectNode root = fixtureWith(r -> llm(r).putObject("rope_scaling").put("type", "linear"));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> ConfigParser.parse(root));
        assertTrue(e.getMessage().contains("rope_scaling"), e.getMessage());
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        Path missing = dir.resolve("nothing-here");
        Files.createDirectory(missing);
        ModelFormatException e1 = assertThrows(ModelFormatException.class, () -> ConfigParser.parse(missing));
        assertTrue(e1.getMessage().contains("nothing-here/config.json: config.json not found"), e1.getMessage());

        Path bad = Files.writeString(dir.resolve("config.json"), "{\"vision_config\": {");
        ModelFormatException e2 = assertThrows(ModelFormatException.class, () -> ConfigParser.parse(bad));
        assertTrue(e2.getMessage().startsWith(bad + ": not valid JSON"), e2.getMessage());
        assertFalse(e2.getMessage().contains("\n"), "one line: " + e2.getMessage());

        Files.writeString(bad, "[]");
        ModelFormatException e3 = assertThrows(ModelFormatException.class, () -> ConfigParser.parse(bad));
        assertTrue(e3.getMessage().contains("not a JSON object"), e3.getMessage());

        Files.writeString(bad, "{\"llm_config\": {}}");
        ModelFormatException e4 = assertThrows(ModelFormatException.class, () -> ConfigParser.parse(bad));
        assertEquals(bad + ": missing required key 'vision_config' (an object)", e4.getMessage());
    }
}
