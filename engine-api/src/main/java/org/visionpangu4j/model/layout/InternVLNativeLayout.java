package org.visionpangu4j.model.layout;

import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.config.ConfigNode;
import org.visionpangu4j.core.safetensors.TensorNames;
import org.visionpangu4j.llm.model.DecoderTensorNames;
import org.visionpangu4j.vision.model.ProjectorConfig;
import org.visionpangu4j.vision.model.VisionConfig;
import org.visionpangu4j.vision.model.VisionTensor;
import org.visionpangu4j.vision.model.VisionTensorNames;
import org.visionpangu4j.vision.preprocess.TilingConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * InternVL's own layout ({@code InternVLChatModel}, loaded with {@code trust_remote_code}): {@code config.json} with
 * nested {@code vision_config} and {@code llm_config}, tensors {@code vision_model.*}, {@code mlp1.*},
 * {@code language_model.model.*} and {@code language_model.lm_head.weight}. VisionPangu and the InternVL2.5/3
 * repos ship it.
 *
 * <p>Shape-defining keys are required (upstream defaults for them describe other model sizes); other keys default
 * as upstream's {@code InternVLChatConfig} and {@code InternVisionConfig} do, and a default that names a feature
 * the engine lacks (InternViT-6B's RMSNorm and q/k norm) is refused like an explicit value.
 */
public final class InternVLNativeLayout implements LayoutReader {
    static final String VISION = "vision_model.";
    static final String EMB = VISION + "embeddings.";
    static final String LAYERS = VISION + "encoder.layers.";
    private static final DecoderTensorNames DECODER =
            new DecoderTensorNames("language_model.model.", "language_model.lm_head.weight");

    @Override
    public ConfigNode decoderSection(ConfigNode root) {
        return root.object("llm_config");
    }

    @Override
    public String templateName(ConfigNode root) {
        return root.optText("template", null);
    }

    @Override
    public VisionSpec vision(ConfigNode root, Path modelDir, int llmHidden) {
        ConfigNode v = root.object("vision_config");
        requireValue(v, "norm_type", "rms_norm", "layer_norm",
                "only InternViT-300M's layer_norm is implemented (rms_norm is the 6B's)");
        requireValue(v, "hidden_act", "gelu", "gelu", "the 300M tower's exact-erf GELU is implemented");
        if (v.optBool("qk_normalization", true)) {
            throw new UnsupportedModelException(v.source() + ": " + v.where("qk_normalization")
                    + " is true (the default when absent): q/k normalisation is an InternViT-6B feature, not implemented");
        }
        VisionConfig tower = new VisionConfig(
                v.requiredInt("hidden_size"),
                v.requiredInt("intermediate_size"),
                v.requiredInt("num_hidden_layers"),
                v.requiredInt("num_attention_heads"),
                v.requiredInt("patch_size"),
                v.requiredInt("image_size"),
                v.optInt("num_channels", 3),
                v.optDouble("layer_norm_eps", 1e-6),
                v.optBool("qkv_bias", false));
        String ps = root.optText("ps_version", "v1");
        root.require(ps.equals("v1") || ps.equals("v2"), "ps_version must be 'v1' or 'v2', got '" + ps + "'");
        int selectLayer = root.optInt("select_layer", -1);
        root.require(selectLayer < 0 ? -selectLayer <= tower.numLayers() + 1 : selectLayer <= tower.numLayers(),
                "select_layer " + selectLayer + " is outside the " + tower.numLayers() + "-layer vision tower");
        int tile = root.optInt("force_image_size", tower.imageSize());
        root.require(tile > 0 && tile % tower.patchSize() == 0 && tile <= 1 << 14,
                "force_image_size " + tile + " must be a positive multiple of patch_size " + tower.patchSize()
                        + " (at most 16384)");
        double ratio = root.optDouble("downsample_ratio", 0.5);
        int grid = tile / tower.patchSize();
        double merged = grid * ratio;
        root.require(ratio > 0 && ratio <= 1 && Math.abs(1 / ratio - Math.rint(1 / ratio)) < 1e-9
                        && Math.abs(merged - Math.rint(merged)) < 1e-9,
                "downsample_ratio " + ratio + " must be 1/k for an integer k dividing the " + grid + "-patch grid");
        int min = root.optInt("min_dynamic_patch", 1);
        int max = root.optInt("max_dynamic_patch", 6);
        root.require(min >= 1 && max >= min, "min/max_dynamic_patch must satisfy 1 ≤ min ≤ max, got " + min + "/" + max);
        TilingConfig tiling = new TilingConfig(tile, root.optBool("dynamic_image_size", false), min, max,
                root.optBool("use_thumbnail", false));
        return new VisionSpec(tower, new ProjectorConfig(selectLayer, ratio, ps.equals("v2"), llmHidden), tiling);
    }

    /** {@code key} (default {@code def} when absent) must be {@code supported}; otherwise refused with {@code why}. */
    private static void requireValue(ConfigNode v, String key, String def, String supported, String why) {
        String value = v.optText(key, def);
        if (!value.equals(supported)) {
            throw new UnsupportedModelException(v.source() + ": " + v.where(key) + " '" + value + "'"
                    + (v.has(key) ? "" : " (the default when absent)") + " is not supported: " + why);
        }
    }

    @Override
    public DecoderTensorNames decoderNames(Set<String> tensorNames) {
        return DECODER;
    }

    @Override
    public VisionTensorNames visionNames() {
        return NAMES;
    }

    private static final VisionTensorNames NAMES = new VisionTensorNames() {
        @Override
        public List<String> names(VisionTensor role, int l) {
            String p = LAYERS + l + ".";
            return List.of(switch (role) {
                case PATCH_WEIGHT -> EMB + "patch_embedding.weight";
                case PATCH_BIAS -> EMB + "patch_embedding.bias";
                case CLASS_EMBEDDING -> EMB + "class_embedding";
                case POSITION_EMBEDDING -> EMB + "position_embedding";
                case NORM1_WEIGHT -> p + "norm1.weight";
                case NORM1_BIAS -> p + "norm1.bias";
                case QKV_WEIGHT -> p + "attn.qkv.weight";
                case QKV_BIAS -> p + "attn.qkv.bias";
                case PROJ_WEIGHT -> p + "attn.proj.weight";
                case PROJ_BIAS -> p + "attn.proj.bias";
                case LAYER_SCALE1 -> p + "ls1";
                case NORM2_WEIGHT -> p + "norm2.weight";
                case NORM2_BIAS -> p + "norm2.bias";
                case FC1_WEIGHT -> p + "mlp.fc1.weight";
                case FC1_BIAS -> p + "mlp.fc1.bias";
                case FC2_WEIGHT -> p + "mlp.fc2.weight";
                case FC2_BIAS -> p + "mlp.fc2.bias";
                case LAYER_SCALE2 -> p + "ls2";
                case PROJECTOR_NORM_WEIGHT -> "mlp1.0.weight";
                case PROJECTOR_NORM_BIAS -> "mlp1.0.bias";
                case PROJECTOR_FC1_WEIGHT -> "mlp1.1.weight";
                case PROJECTOR_FC1_BIAS -> "mlp1.1.bias";
                case PROJECTOR_FC2_WEIGHT -> "mlp1.3.weight";
                case PROJECTOR_FC2_BIAS -> "mlp1.3.bias";
            });
        }

        @Override
        public int encoderLayerOf(String name) {
            return TensorNames.layerIndex(name, LAYERS);
        }
    };
}
