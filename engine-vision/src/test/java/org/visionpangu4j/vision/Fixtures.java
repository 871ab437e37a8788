package org.visionpangu4j.vision;

import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.TensorNames;
import org.visionpangu4j.vision.model.ProjectorConfig;
import org.visionpangu4j.vision.model.VisionConfig;
import org.visionpangu4j.vision.model.VisionModel;
import org.visionpangu4j.vision.model.VisionOptions;
import org.visionpangu4j.vision.model.VisionTensor;
import org.visionpangu4j.vision.model.VisionTensorNames;
import org.visionpangu4j.vision.preprocess.TilingConfig;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Paths to the tiny-visionpangu fixture and small comparison helpers for the golden tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path dir() {
        String td = System.getProperty("visionpangu.testdata");
        Path base = td != null ? Path.of(td) : Path.of("../testdata");
        return base.resolve("tiny-visionpangu");
    }

    public static Path golden(String name) {
        return dir().resolve("golden").resolve(name);
    }

    public static JsonNode manifest() {
        try {
            return new ObjectMapper().readTree(golden("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's config.json as plain JSON. */
    public static JsonNode config() {
        try {
            return new ObjectMapper().readTree(dir().resolve("config.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's vision tower, read from config.json here (the engine's own reader is the model family's). */
    public static VisionConfig visionConfig() {
        JsonNode v = config().get("vision_config");
        return new VisionConfig(v.get("hidden_size").asInt(), v.get("intermediate_size").asInt(),
                v.get("num_hidden_layers").asInt(), v.get("num_attention_heads").asInt(), v.get("patch_size").asInt(),
                v.get("image_size").asInt(), v.get("num_channels").asInt(), v.get("layer_norm_eps").asDouble(),
                v.get("qkv_bias").asBoolean());
    }

    /** The fixture's projector settings, with {@code select_layer} replaced by {@code selectLayer}. */
    public static ProjectorConfig projector(int selectLayer) {
        JsonNode c = config();
        return new ProjectorConfig(selectLayer, c.get("downsample_ratio").asDouble(),
                c.get("ps_version").asText().equals("v2"), c.get("llm_config").get("hidden_size").asInt());
    }

    public static ProjectorConfig projector() {
        return projector(config().get("select_layer").asInt());
    }

    /** The fixture's tiling settings. */
    public static TilingConfig tiling() {
        JsonNode c = config();
        return new TilingConfig(c.get("force_image_size").asInt(), c.get("dynamic_image_size").asBoolean(),
                c.get("min_dynamic_patch").asInt(), c.get("max_dynamic_patch").asInt(), c.get("use_thumbnail").asBoolean());
    }

    /** InternVL-native tensor names, as the fixture stores them. */
    public static final VisionTensorNames NAMES = new VisionTensorNames() {
        @Override
        public List<String> names(VisionTensor role, int l) {
            String e = "vision_model.embeddings.";
            String p = "vision_model.encoder.layers." + l + ".";
            String name = switch (role) {
                case PATCH_WEIGHT -> e + "patch_embedding.weight";
                case PATCH_BIAS -> e + "patch_embedding.bias";
                case CLASS_EMBEDDING -> e + "class_embedding";
                case POSITION_EMBEDDING -> e + "position_embedding";
                case PROJECTOR_NORM_WEIGHT -> "mlp1.0.weight";
                case PROJECTOR_NORM_BIAS -> "mlp1.0.bias";
                case PROJECTOR_FC1_WEIGHT -> "mlp1.1.weight";
                case PROJECTOR_FC1_BIAS -> "mlp1.1.bias";
                case PROJECTOR_FC2_WEIGHT -> "mlp1.3.weight";
                case PROJECTOR_FC2_BIAS -> "mlp1.3.bias";
                default -> p + switch (role) {
                    case NORM1_WEIGHT -> "norm1.weight";
                    case NORM1_BIAS -> "norm1.bias";
                    case QKV_WEIGHT -> "attn.qkv.weight";
                    case QKV_BIAS -> "attn.qkv.bias";
                    case PROJ_WEIGHT -> "attn.proj.weight";
                    case PROJ_BIAS -> "attn.proj.bias";
                    case LAYER_SCALE1 -> "ls1";
                    case NORM2_WEIGHT -> "norm2.weight";
                    case NORM2_BIAS -> "norm2.bias";
                    case FC1_WEIGHT -> "mlp.fc1.weight";
                    case FC1_BIAS -> "mlp.fc1.bias";
                    case FC2_WEIGHT -> "mlp.fc2.weight";
                    case FC2_BIAS -> "mlp.fc2.bias";
                    case LAYER_SCALE2 -> "ls2";
                    default -> throw new IllegalArgumentException(role.toString());
                };
            };
            return List.of(name);
        }

        @Override
        public int encoderLayerOf(String name) {
            return TensorNames.layerIndex(name, "vision_model.encoder.layers.");
        }
    };

    /** The fixture's vision tower and projector ({@code select_layer} as given), loaded on {@code pool}. */
    public static VisionModel loadVision(Checkpoint ckpt, int selectLayer, VisionOptions opts, WorkerPool pool) {
        return VisionModel.load(ckpt, NAMES, visionConfig(), projector(selectLayer), opts, pool);
    }

    public static VisionModel loadVision(Checkpoint ckpt, VisionOptions opts, WorkerPool pool) {
        return loadVision(ckpt, config().get("select_layer").asInt(), opts, pool);
    }

    /** max |a[aOff+i] − t[i]| over the whole tensor t (read as float). */
    public static double maxAbsDiff(float[] a, int aOff, Tensor t) {
        double max = 0;
        for (long i = 0; i < t.numel(); i++) {
            max = Math.max(max, Math.abs(a[aOff + (int) i] - t.getFloat(i)));
        }
        return max;
    }

    /** max |a[aOff+i] − b[bOff+i]| for i &lt; n. */
    public static double maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(a[aOff + i] - b[bOff + i]));
        }
        return max;
    }
}
