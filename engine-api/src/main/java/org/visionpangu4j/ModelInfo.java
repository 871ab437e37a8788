package org.visionpangu4j;

import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.llm.model.DecoderConfig;
import org.visionpangu4j.model.ModelSpec;
import org.visionpangu4j.model.layout.CheckpointLayout;
import org.visionpangu4j.model.layout.VisionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a model directory holds, read from its config and tensor headers without loading weights
 * ({@link Engine#inspect}).
 *
 * @param directory   the model directory
 * @param family      the model family, e.g. "VisionPangu (openPangu-Embedded)"
 * @param layout      the checkpoint layout, e.g. "InternVL-native"
 * @param template    the chat template's name
 * @param tensors     number of tensors
 * @param storedBytes bytes of tensor data in the files
 * @param sharded     whether the weights are split over shards listed by an index
 * @param dtypes      tensor count per stored dtype
 * @param parameters  parameter count per part (vision, projector, llm, lm_head, other) and "total"
 * @param vision      the vision tower, projector and tiling
 * @param decoder     the language model
 */
public record ModelInfo(Path directory, String family, String layout, String template, int tensors,
                        long storedBytes, boolean sharded, Map<String, Integer> dtypes, Map<String, Long> parameters,
                        Vision vision, Decoder decoder) {

    /** Copies the maps. */
    public ModelInfo {
        dtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * The InternViT tower, the pixel-shuffle projector and the tiling.
     *
     * @param layers         encoder layers
     * @param hidden         encoder width
     * @param heads          attention heads
     * @param mlp            MLP width
     * @param patchSize      patch edge in pixels
     * @param tileSize       tile edge in pixels
     * @param dynamicTiling  whether images are split into a grid of tiles
     * @param minTiles       fewest tiles of the grid
     * @param maxTiles       most tiles of the grid
     * @param thumbnail      whether a whole-image thumbnail is added to multi-tile images
     * @param selectLayer    which encoder layer feeds the projector (InternVL's select_layer)
     * @param downsampleRatio pixel shuffle ratio
     * @param psVersion      pixel shuffle version, v1 or v2
     * @param tokensPerTile  image tokens per tile
     * @param layerNormEps   LayerNorm epsilon
     * @param qkvBias        whether the fused qkv projection has a bias
     */
    public record Vision(int layers, int hidden, int heads, int mlp, int patchSize, int tileSize,
                         boolean dynamicTiling, int minTiles, int maxTiles, boolean thumbnail, int selectLayer,
                         double downsampleRatio, String psVersion, int tokensPerTile, double layerNormEps,
                         boolean qkvBias) {
    }

    /**
     * The decoder.
     *
     * @param layers          transformer blocks
     * @param hidden          width
     * @param heads           query heads
     * @param kvHeads         key/value heads
     * @param headDim         width of one head
     * @param ffn             MLP width
     * @param vocab           vocabulary size
     * @param ropeTheta       RoPE base
     * @param rmsNormEps      RMSNorm epsilon
     * @param qkvBias         whether q, k and v projections have biases
     * @param outputBias      whether the attention output projection has a bias
     * @param tiedEmbeddings  whether the LM head is the embedding
     * @param maxPositions    the longest sequence the position encoding covers
     */
    public record Decoder(int layers, int hidden, int heads, int kvHeads, int headDim, int ffn, int vocab,
                          double ropeTheta, double rmsNormEps, boolean qkvBias, boolean outputBias,
                          boolean tiedEmbeddings, int maxPositions) {
    }

    static ModelInfo of(Path dir) {
        ModelSpec.requireModelDirectory(dir);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            ModelSpec spec = ModelSpec.read(dir, ckpt.names());
            Map<String, Integer> dtypes = new TreeMap<>();
            Map<String, Long> params = new LinkedHashMap<>();
            for (CheckpointLayout.Component c : CheckpointLayout.Component.values()) {
                params.put(c.name().toLowerCase(Locale.ROOT), 0L);
            }
            long bytes = 0;
            long total = 0;
            for (String name : ckpt.names()) {
                long n = Tensor.numel(ckpt.shape(name));
                dtypes.merge(ckpt.dtype(name).toString(), 1, Integer::sum);
                bytes += n * ckpt.dtype(name).byteSize();
                params.merge(spec.layout().component(name).name().toLowerCase(Locale.ROOT), n, Long::sum);
                total += n;
            }
            if (params.get("other") == 0) {
                params.remove("other");
            }
            params.put("total", total);
            VisionSpec v = spec.vision();
            Vision vision = new Vision(v.tower().numLayers(), v.tower().hiddenSize(), v.tower().numHeads(),
                    v.tower().intermediateSize(), v.tower().patchSize(), v.tiling().tileSize(), v.tiling().dynamic(),
                    v.tiling().minTiles(), v.tiling().maxTiles(), v.tiling().thumbnail(), v.projector().selectLayer(),
                    v.projector().downsampleRatio(), v.projector().psV2() ? "v2" : "v1", v.tokensPerTile(),
                    v.tower().layerNormEps(), v.tower().qkvBias());
            DecoderConfig d = spec.decoder();
            Decoder decoder = new Decoder(d.numLayers(), d.hiddenSize(), d.numHeads(), d.numKvHeads(), d.headDim(),
                    d.intermediateSize(), d.vocabSize(), d.ropeTheta(), d.rmsNormEps(), d.qkvBias(), d.outputBias(),
                    d.tieWordEmbeddings(), d.maxPositionEmbeddings());
            return new ModelInfo(dir, spec.family().name(), spec.layout().displayName(),
                    spec.family().template(spec.template()).name(), ckpt.names().size(), bytes,
                    Files.isRegularFile(dir.resolve(Checkpoint.INDEX)), dtypes, params, vision, decoder);
        }
    }
}
