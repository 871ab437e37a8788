package org.visionpangu4j.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.SafeTensorsWriter;
import org.visionpangu4j.model.layout.CheckpointLayout;
import org.visionpangu4j.model.layout.CheckpointLayout.Component;
import org.visionpangu4j.core.tensor.DType;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layouts are told apart by tensor names alone , using small synthetic checkpoints. */
class CheckpointLayoutTest {
    @TempDir
    Path dir;

    /** A checkpoint holding a 1-element BF16 tensor per name. */
    private Checkpoint checkpoint(String... names) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (String n : names) {
            w.add(n, DType.BF16, new long[]{1}, SafeTensorsWriter.ofFloats(DType.BF16, new float[]{1}));
        }
        Path p = dir.resolve("m" + System.nanoTime() + ".safetensors");
        w.write(p);
        return Checkpoint.open(p);
    }

    private static final String[] INTERNVL = {
            "vision_model.embeddings.class_embedding", "vision_model.encoder.layers.0.attn.qkv.weight",
            "mlp1.0.weight", "mlp1.1.weight", "language_model.model.embed_tokens.weight",
            "language_model.model.layers.0.self_attn.q_proj.weight", "language_model.lm_head.weight"};

    @Test
    void internVLNative() {
        try (Checkpoint c = checkpoint(INTERNVL)) {
            CheckpointLayout l = CheckpointLayout.detect(c);
            assertEquals(CheckpointLayout.INTERNVL_NATIVE, l);
            assertTrue(l.reader() instanceof org.visionpangu4j.model.layout.InternVLNativeLayout);
            assertEquals(Component.VISION, l.component("vision_model.encoder.layers.0.attn.qkv.weight"));
            assertEquals(Component.PROJECTOR, l.component("mlp1.1.weight"));
            assertEquals(Component.LLM, l.component("language_model.model.layers.0.self_attn.q_proj.weight"));
            assertEquals(Component.LM_HEAD, l.component("language_model.lm_head.weight"));
            assertEquals(Component.OTHER, l.component("something.else"));
        }
    }

    @Test
    void hfInternVL() {
        try (Checkpoint c = checkpoint("model.vision_tower.embeddings.cls_token",
                "model.vision_tower.encoder.layer.0.attention.q_proj.weight",
                "model.multi_modal_projector.layer_norm.weight", "model.multi_modal_projector.linear_1.weight",
                "model.language_model.embed_tokens.weight", "lm_head.weight")) {
            CheckpointLayout l = CheckpointLayout.detect(c);
            assertEquals(CheckpointLayout.HF_INTERNVL, l);
            assertEquals(Component.VISION, l.component("model.vision_tower.embeddings.cls_token"));
            assertEquals(Component.PROJECTOR, l.component("model.multi_modal_projector.linear_1.weight"));
            assertEquals(Component.LLM, l.component("model.language_model.embed_tokens.weight"));
            assertEquals(Component.LM_HEAD, l.component("lm_head.weight"));
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                    () -> CheckpointLayout.detect(c).reader());
            assertTrue(e.getMessage().contains("HF-native InternVL layout, which is recognised but not supported yet"),
                    e.getMessage());
        }
    }

    @Test
    void olderHfConverterNames() {
        try (Checkpoint c = checkpoint("vision_tower.embeddings.cls_token", "multi_modal_projector.layer_norm.weight",
                "language_model.model.embed_tokens.weight")) {
            assertEquals(CheckpointLayout.HF_INTERNVL, CheckpointLayout.detect(c));
        }
    }

    @Test
    void llava() {
        try (Checkpoint c = checkpoint("model.vision_tower.vision_tower.embeddings.class_embedding",
                "model.mm_projector.0.weight", "model.mm_projector.2.weight", "model.embed_tokens.weight",
                "model.layers.0.self_attn.q_proj.weight", "lm_head.weight")) {
            CheckpointLayout l = CheckpointLayout.detect(c);
            assertEquals(CheckpointLayout.LLAVA, l);
            assertEquals(Component.VISION, l.component("model.vision_tower.vision_tower.embeddings.class_embedding"));
            assertEquals(Component.PROJECTOR, l.component("model.mm_projector.0.weight"));
            assertEquals(Component.LLM, l.component("model.layers.0.self_attn.q_proj.weight"));
            assertEquals(Component.LM_HEAD, l.component("lm_head.weight"));
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                    () -> CheckpointLayout.detect(c).reader());
            assertTrue(e.getMessage().contains("LLaVA-style layout"), e.getMessage());
        }
    }

    @Test
    void llavaWithoutVisionTower() {
        // LLaVA checkpoints may omit a frozen tower; the projector alone identifies them.
        try (Checkpoint c = checkpoint("model.mm_projector.0.weight", "model.embed_tokens.weight",
                "model.layers.0.mlp.up_proj.weight")) {
            assertEquals(CheckpointLayout.LLAVA, CheckpointLayout.detect(c));
        }
    }

    @Test
    void hfConvertedLlavaHasNoProjectorNorm() {
        try (Checkpoint c = checkpoint("vision_tower.vision_model.embeddings.patch_embedding.weight",
                "multi_modal_projector.linear_1.weight", "multi_modal_projector.linear_2.weight",
                "language_model.model.embed_tokens.weight")) {
            assertEquals(CheckpointLayout.LLAVA, CheckpointLayout.detect(c));
        }
    }

    @Test
    void textOnly() {
        try (Checkpoint c = checkpoint("model.embed_tokens.weight", "model.layers.0.input_layernorm.weight",
                "model.norm.weight")) {
            CheckpointLayout l = CheckpointLayout.detect(c);
            assertEquals(CheckpointLayout.TEXT_ONLY, l);
            assertEquals(Component.LLM, l.component("model.norm.weight"));
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                    () -> CheckpointLayout.detect(c).reader());
            assertTrue(e.getMessage().contains("text-only openPangu layout"), e.getMessage());
        }
    }

    @Test
    void unknownLayoutListsNames() {
        try (Checkpoint c = checkpoint("encoder.block.0.weight", "decoder.block.0.weight", "shared.weight")) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> CheckpointLayout.detect(c));
            assertTrue(e.getMessage().contains("unrecognised checkpoint layout (3 tensors: decoder.block.0.weight, "
                    + "encoder.block.0.weight, shared.weight)"), e.getMessage());
            assertTrue(e.getMessage().contains("InternVL-native (vision_model.* + mlp1.0.weight)"), e.getMessage());
        }
    }

    @Test
    void visionWithoutProjectorIsNotInternVL() {
        try (Checkpoint c = checkpoint("vision_model.embeddings.class_embedding",
                "language_model.model.embed_tokens.weight")) {
            assertThrows(ModelFormatException.class, () -> CheckpointLayout.detect(c));
        }
    }
}
