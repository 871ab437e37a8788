package org.visionpangu4j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.TestModels;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.llm.model.DecoderConfig;
import org.visionpangu4j.model.family.VisionPanguFamily;
import org.visionpangu4j.model.layout.CheckpointLayout;
import org.visionpangu4j.vision.model.VisionConfig;
import org.visionpangu4j.vision.preprocess.TilingConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json → {@link ModelSpec}: the fixture's values, upstream defaults, and every kind of bad config named. */
class ModelSpecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Set<String> names;

    @TempDir
    Path dir;

    @BeforeAll
    static void header() {
        try (Checkpoint c = Checkpoint.open(TestModels.dir())) {
            names = Set.copyOf(c.names());
        }
    }

    @Test
    void parsesFixtureConfig() {
        ModelSpec c = ModelSpec.read(TestModels.dir(), names);
        assertEquals(CheckpointLayout.INTERNVL_NATIVE, c.layout());
        assertInstanceOf(VisionPanguFamily.class, c.family());
        VisionConfig v = c.vision().tower();
        assertEquals(new VisionConfig(64, 128, 2, 4, 14, 112, 3, 1e-6, true), v);
        assertEquals(16, v.headDim());
        assertEquals(8, v.gridSize());
        DecoderConfig l = c.decoder();
        assertEquals(new DecoderConfig(96, 192, 2, 6, 2, 16, 1545, 4_000_000.0, 1e-5, true, true, false, 32768), l);
        assertEquals(3, l.groupSize());
        assertEquals(96, l.qDim());
        assertEquals(32, l.kvDim());
        assertEquals(0.5, c.vision().projector().downsampleRatio());
        assertTrue(c.vision().projector().psV2());
        assertEquals(-1, c.vision().projector().selectLayer());
        assertEquals(96, c.vision().projector().llmHidden());
        assertEquals("openpangu", c.template());
        assertEquals(new TilingConfig(112, true, 1, 6, true), c.vision().tiling());
        assertEquals(16, c.tokensPerTile());
    }

    /** The fixture config with one edit applied, written to a directory of its own. */
    private Path fixtureWith(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(TestModels.dir().resolve("config.json").toFile());
        edit.accept(root);
        Path d = Files.createTempDirectory(dir, "m");
        Files.writeString(d.resolve("config.json"), root.toString());
        return d;
    }

    private ModelSpec spec(Consumer<ObjectNode> edit) throws IOException {
        return ModelSpec.read(fixtureWith(edit), names);
    }

    private void assertError(Consumer<ObjectNode> edit, String fragment) throws IOException {
        assertError(ModelFormatException.class, edit, fragment);
    }

    private void assertError(Class<? extends VisionPanguException> type, Consumer<ObjectNode> edit, String fragment)
            throws IOException {
        Path d = fixtureWith(edit);
        VisionPanguException e = assertThrows(type, () -> ModelSpec.read(d, names));
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
        assertError(r -> r.put("max_dynamic_patch", 5000), "exceed the decoder's max_position_embeddings");
        assertError(r -> llm(r).put("rms_norm_eps", 2.0), "rms_norm_eps must be in (0, 1)");
        assertError(r -> llm(r).put("rope_theta", 1e-300), "rope_theta must be a finite number > 1");
        assertError(r -> llm(r).put("num_hidden_layers", 0), "num_hidden_layers must be positive");
        assertError(r -> r.put("use_thumbnail", 7), "key 'use_thumbnail' must be a boolean, got 7");
        assertError(r -> vision(r).put("num_attention_heads", 5), "hidden_size 64 must be a positive multiple of num_attention_heads 5");
    }

    @Test
    void optionalKeysTakeUpstreamDefaults() throws IOException {
        ModelSpec c = spec(r -> {
            for (String k : new String[]{"downsample_ratio", "ps_version", "select_layer", "template", "force_image_size",
                    "dynamic_image_size", "min_dynamic_patch", "max_dynamic_patch", "use_thumbnail", "tie_word_embeddings"}) {
                r.remove(k);
            }
            llm(r).remove(List.of("rope_theta", "rms_norm_eps", "bias", "bos_token_id", "eos_token_id",
                    "pad_token_id", "tie_word_embeddings", "max_position_embeddings"));
            // The tower's own keys are kept: their upstream defaults describe InternViT-6B (see below).
            vision(r).remove(List.of("layer_norm_eps", "qkv_bias", "num_channels"));
        });
        // InternVLChatConfig
        assertEquals(0.5, c.vision().projector().downsampleRatio());
        assertFalse(c.vision().projector().psV2());
        assertEquals(-1, c.vision().projector().selectLayer());
        assertEquals(new TilingConfig(112, false, 1, 6, false), c.vision().tiling(), "tile size falls back to image_size");
        assertEquals(null, c.template());
        assertEquals("openpangu", c.family().template(c.template()).name(), "our default template");
        // PanguEmbeddedConfig
        DecoderConfig l = c.decoder();
        assertEquals(16_000_000.0, l.ropeTheta());
        assertEquals(1e-5, l.rmsNormEps());
        assertTrue(l.qkvBias() && l.outputBias());
        assertFalse(l.tieWordEmbeddings());
        assertEquals(32768, l.maxPositionEmbeddings());
        assertEquals(16, l.headDim(), "hidden / heads");
        // InternVisionConfig
        VisionConfig v = c.vision().tower();
        assertEquals(1e-6, v.layerNormEps());
        assertFalse(v.qkvBias());
        assertEquals(3, v.numChannels());
    }

    /** InternVisionConfig's defaults for norm_type, qk_normalization and hidden_act are the 6B's: refused by name. */
    @Test
    void visionDefaultsOfAnotherTowerAreRefused() throws IOException {
        assertError(UnsupportedModelException.class, r -> vision(r).remove("norm_type"),
                "vision_config.norm_type 'rms_norm' (the default when absent) is not supported");
        assertError(UnsupportedModelException.class, r -> vision(r).remove("qk_normalization"),
                "vision_config.qk_normalization is true (the default when absent)");
        assertError(UnsupportedModelException.class, r -> vision(r).put("hidden_act", "quick_gelu"),
                "vision_config.hidden_act 'quick_gelu' is not supported");
        assertError(UnsupportedModelException.class, r -> llm(r).put("hidden_act", "gelu"),
                "llm_config.hidden_act 'gelu' is not supported");
    }

    @Test
    void anUnknownFamilyIsRefusedWithWhatWasFound() throws IOException {
        assertError(UnsupportedModelException.class, r -> {
            llm(r).putArray("architectures").add("MistralForCausalLM");
            llm(r).put("model_type", "mistral");
        }, "llm_config.architectures [MistralForCausalLM], model_type 'mistral') belongs to no supported model family");
    }

    @Test
    void anUnknownTemplateIsRefusedAtLoad() throws IOException {
        assertError(UnsupportedModelException.class, r -> r.put("template", "vicuna"), "chat template 'vicuna'");
    }

    @Test
    void llamaStyleAttentionBiasAndTopLevelTie() throws IOException {
        ModelSpec c = spec(r -> {
            llm(r).remove("bias");
            llm(r).put("attention_bias", false);
            llm(r).remove("tie_word_embeddings");
            r.put("tie_word_embeddings", true);
        });
        assertFalse(c.decoder().qkvBias() || c.decoder().outputBias());
        assertTrue(c.decoder().tieWordEmbeddings());
    }

    @Test
    void ropeScalingIsUnsupported() throws IOException {
        assertError(UnsupportedModelException.class, r -> llm(r).putObject("rope_scaling").put("type", "linear"),
                "rope_scaling");
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        Path missing = Files.createDirectory(dir.resolve("nothing-here"));
        ModelFormatException e1 = assertThrows(ModelFormatException.class, () -> ModelSpec.read(missing, names));
        assertTrue(e1.getMessage().contains("nothing-here: config.json not found"), e1.getMessage());

        Path bad = Files.writeString(dir.resolve("config.json"), "{\"vision_config\": {");
        ModelFormatException e2 = assertThrows(ModelFormatException.class, () -> ModelSpec.read(dir, names));
        assertTrue(e2.getMessage().startsWith(bad + ": not valid JSON at line 1"), e2.getMessage());
        assertFalse(e2.getMessage().contains("\n"), "one line: " + e2.getMessage());

        Files.writeString(bad, "[]");
        ModelFormatException e3 = assertThrows(ModelFormatException.class, () -> ModelSpec.read(dir, names));
        assertTrue(e3.getMessage().contains("not a JSON object"), e3.getMessage());

        Files.writeString(bad, "{\"llm_config\": {}} {}");
        ModelFormatException e4 = assertThrows(ModelFormatException.class, () -> ModelSpec.read(dir, names));
        assertTrue(e4.getMessage().contains("not valid JSON"), "trailing content refused: " + e4.getMessage());

        Files.writeString(bad, "{\"llm_config\": {\"architectures\": [\"PanguEmbeddedForCausalLM\"], "
                + "\"hidden_size\": 8, \"num_attention_heads\": 2, \"intermediate_size\": 8, \"num_hidden_layers\": 1,"
                + " \"num_key_value_heads\": 1, \"vocab_size\": 8}}");
        ModelFormatException e5 = assertThrows(ModelFormatException.class, () -> ModelSpec.read(dir, names));
        assertEquals(bad + ": missing required key 'vision_config' (an object)", e5.getMessage());
    }
}
