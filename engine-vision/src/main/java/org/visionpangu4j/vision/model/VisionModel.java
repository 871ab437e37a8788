package org.visionpangu4j.vision.model;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.config.ModelConfig;
import org.visionpangu4j.core.config.VisionConfig;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.Activations;
import org.visionpangu4j.kernels.Attention;
import org.visionpangu4j.kernels.MatMul;
import org.visionpangu4j.kernels.Norms;
import org.visionpangu4j.kernels.VectorMath;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.kernels.WeightMatrix;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.util.ArrayList;
import java.util.List;

/**
 * InternViT + pixel shuffle + {@code mlp1}: normalised tiles → image tokens in the LLM's embedding space
 * (architecture.md §2–§3). All tiles of an image run as one batch: every linear is one GEMM over
 * tiles·(G²+1) rows; attention runs per tile. Weights stay in the checkpoint's mapping (or its arena when
 * quantized), so the model lives as long as the checkpoint stays open. Immutable and thread-safe.
 */
public final class VisionModel {
    static final String EMB = "vision_model.embeddings.";
    static final String LAYERS = "vision_model.encoder.layers.";
    /** {@code mlp1.0} is a default nn.LayerNorm. */
    static final float PROJECTOR_EPS = 1e-5f;
    /**
     * Rows per MLP chunk, about: the MLP is row-wise, so it runs on slices of the rows and its widest activation
     * (intermediate = 4·hidden floats a row) needs only a chunk's worth of memory, not all tiles' (13 tiles at
     * 448²: 218 MB → 4 MB). Large enough that a GEMM still streams each weight block over many rows.
     */
    static final int MLP_ROWS = 256;

    private final int hidden;
    private final int heads;
    private final int intermediate;
    private final int patch;
    private final int trainedGrid;
    private final float eps;
    private final int shuffleFactor;
    private final boolean psV2;
    private final int llmHidden;
    private final WeightMatrix patchEmbedding;
    private final float[] patchBias;
    private final float[] classEmbedding;
    private final Tensor positionEmbedding;
    private final List<VisionLayer> layers;
    private final float[] projNormWeight;
    private final float[] projNormBias;
    private final WeightMatrix proj1;
    private final float[] proj1Bias;
    private final WeightMatrix proj2;
    private final float[] proj2Bias;

    private VisionModel(VisionConfig v, ModelConfig cfg, Checkpoint ckpt, VisionOptions opts) {
        this.hidden = v.hiddenSize();
        this.heads = v.numHeads();
        this.intermediate = v.intermediateSize();
        this.patch = v.patchSize();
        this.trainedGrid = v.gridSize();
        this.eps = (float) v.layerNormEps();
        this.shuffleFactor = shuffleFactor(cfg.downsampleRatio());
        this.psV2 = cfg.psVersion().equals("v2");
        int d = hidden;
        int c = v.numChannels();

        Tensor pw = ckpt.tensor(EMB + "patch_embedding.weight").expectShape(d, c, patch, patch);
        this.patchEmbedding = WeightMatrix.wrap(pw.reshape(d, (long) c * patch * patch));
        this.patchBias = vector(ckpt, EMB + "patch_embedding.bias", d);
        this.classEmbedding = ckpt.heapCopy(EMB + "class_embedding").expectShape(1, 1, d).toFloatArray();
        this.positionEmbedding = ckpt.tensor(EMB + "position_embedding")
                .expectShape(1, (long) trainedGrid * trainedGrid + 1, d);

        int run = layersToRun(cfg.selectLayer(), v.numLayers());
        List<VisionLayer> ls = new ArrayList<>(run);
        for (int l = 0; l < run; l++) {
            ls.add(layer(ckpt, v, l, opts.encoder()));
        }
        this.layers = List.copyOf(ls);

        int shuffled = shuffleFactor * shuffleFactor * d;
        this.projNormWeight = vector(ckpt, "mlp1.0.weight", shuffled);
        this.projNormBias = vector(ckpt, "mlp1.0.bias", shuffled);
        long[] p1 = ckpt.shape("mlp1.1.weight");
        if (p1.length != 2 || p1[1] != shuffled) {
            throw new ModelFormatException("tensor mlp1.1.weight has shape " + java.util.Arrays.toString(p1)
                    + ", expected [llm_hidden, " + shuffled + "] (pixel-shuffled width " + shuffleFactor + "²·" + d + ")");
        }
        this.llmHidden = (int) p1[0];
        if (llmHidden != cfg.llm().hiddenSize()) {
            throw new ModelFormatException("mlp1 projects to " + llmHidden + " but llm_config.hidden_size is "
                    + cfg.llm().hiddenSize());
        }
        this.proj1 = matrix(ckpt, "mlp1.1.weight", llmHidden, shuffled, opts.projector());
        this.proj1Bias = vector(ckpt, "mlp1.1.bias", llmHidden);
        this.proj2 = matrix(ckpt, "mlp1.3.weight", llmHidden, llmHidden, opts.projector());
        this.proj2Bias = vector(ckpt, "mlp1.3.bias", llmHidden);
    }

    /** Loads the vision tower and projector named as in InternVL checkpoints ({@code vision_model.*}, {@code mlp1.*}). */
    public static VisionModel load(Checkpoint ckpt, ModelConfig cfg, VisionOptions opts) {
        VisionConfig v = cfg.vision();
        if (!v.normType().equals("layer_norm")) {
            throw new UnsupportedOperationException("vision norm_type '" + v.normType()
                    + "' is not supported: only InternViT-300M's layer_norm is implemented (rms_norm is the 6B's)");
        }
        if (v.qkNormalization()) {
            throw new UnsupportedOperationException("vision qk_normalization is not supported (an InternViT-6B "
                    + "feature; the 300M tower has none)");
        }
        if (!v.hiddenAct().equals("gelu")) {
            throw new UnsupportedOperationException("vision hidden_act '" + v.hiddenAct() + "' is not supported (gelu)");
        }
        if (v.numChannels() != 3) {
            throw new ModelFormatException("vision_config.num_channels is " + v.numChannels() + ", expected 3 (RGB)");
        }
        return new VisionModel(v, cfg, ckpt, opts == null ? VisionOptions.asStored() : opts);
    }

    /** Image tokens per tile of {@code tileSize} pixels: (tileSize/patch/k)². */
    public int tokensPerTile(int tileSize) {
        int g = tileSize / patch / shuffleFactor;
        return g * g;
    }

    /** Width of each output token (the LLM's hidden size). */
    public int outputDim() {
        return llmHidden;
    }

    /** Encoder blocks actually run (select_layer honoured). */
    public int layersRun() {
        return layers.size();
    }

    /**
     * Tiles → image tokens: out[tiles·tokensPerTile, outputDim], tile-major then token (the order in which they
     * replace the {@code <IMG_CONTEXT>} embeddings).
     */
    public float[] encode(PixelValues pv, WorkerPool pool) {
        return run(pv, pool, null).projected();
    }

    /**
     * Intermediate results of one encode (for tests and debugging).
     *
     * @param hiddenStates  entry i is the residual stream after i blocks ([tiles·(G²+1), hidden], CLS first in each
     *                      tile); entry 0 is the embeddings; the last is the selected layer's output
     * @param pixelShuffled [tiles·tokensPerTile, k²·hidden]
     * @param projected     [tiles·tokensPerTile, outputDim] — what {@link #encode} returns
     */
    public record Trace(List<float[]> hiddenStates, float[] pixelShuffled, float[] projected) {
    }

    public Trace trace(PixelValues pv, WorkerPool pool) {
        return run(pv, pool, new ArrayList<>());
    }

    private Trace run(PixelValues pv, WorkerPool pool, List<float[]> keep) {
        return run(pv, pool, keep, MLP_ROWS);
    }

    /** As {@link #encode}, with the MLP run in chunks of about {@code mlpRows} rows (tests vary it). */
    float[] encode(PixelValues pv, WorkerPool pool, int mlpRows) {
        return run(pv, pool, null, mlpRows).projected();
    }

    private Trace run(PixelValues pv, WorkerPool pool, List<float[]> keep, int mlpRows) {
        if (pv.size() % patch != 0) {
            throw new IllegalArgumentException("tile size " + pv.size() + " is not a multiple of the patch size " + patch);
        }
        int grid = pv.size() / patch;
        if (grid % shuffleFactor != 0) {
            throw new IllegalArgumentException("patch grid " + grid + " is not divisible by the pixel-shuffle factor "
                    + shuffleFactor);
        }
        int tokens = grid * grid + 1;
        float[] h = embed(pv, grid, pool);
        if (keep != null) {
            keep.add(h.clone());
        }
        Scratch s = new Scratch(pv.tiles() * tokens, mlpRows);
        for (VisionLayer layer : layers) {
            block(layer, h, pv.tiles(), tokens, s, pool);
            if (keep != null) {
                keep.add(h.clone());
            }
        }
        float[] shuffled = PixelShuffle.shuffle(h, pv.tiles(), 1, grid, hidden, shuffleFactor, psV2);
        // Traced, the shuffled features are kept, so the projector's LayerNorm may not overwrite them.
        float[] out = project(shuffled, pv.tiles() * tokensPerTile(pv.size()), keep == null, pool);
        return new Trace(keep == null ? List.of() : List.copyOf(keep), shuffled, out);
    }

    /**
     * Work buffers of one forward, reused by every block: the memory of an encode is these plus the residual
     * stream, about (5·hidden floats)·rows + a chunk of MLP rows.
     */
    private final class Scratch {
        final float[] norm;      // [rows, hidden]: LayerNorm output, then the attention output (proj input)
        final float[] qkv;       // [rows, 3·hidden] = [q | k | v], then the proj output [rows, hidden]
        final int chunks;        // MLP chunks: chunk i is rows [rows·i/chunks, rows·(i+1)/chunks)
        final float[] mlpIn;     // [chunk, hidden]
        final float[] mlp;       // [chunk, intermediate]
        final float[] mlpOut;    // [chunk, hidden]

        Scratch(int rows, int mlpRows) {
            norm = new float[rows * hidden];
            qkv = new float[rows * 3 * hidden];
            // Chunks of equal size to within one row, so none (of ≥ mlpRows/2 rows) is small enough for the GEMM to
            // take its few-row path: a GEMM row's result does not depend on its batch, so neither on the chunking.
            chunks = (int) Math.max(1, ((long) rows + mlpRows - 1) / mlpRows);
            int chunk = (rows + chunks - 1) / chunks;
            mlpIn = new float[chunk * hidden];
            mlp = new float[chunk * intermediate];
            mlpOut = new float[chunk * hidden];
        }
    }

    /**
     * Patch embedding (stride-p convolution as one GEMM), CLS prepended, position embedding added:
     * h[tiles·(G²+1), hidden].
     */
    private float[] embed(PixelValues pv, int grid, WorkerPool pool) {
        int tiles = pv.tiles();
        int s = pv.size();
        int k = 3 * patch * patch;
        int np = grid * grid;
        // im2col: patches[tile·G² + py·G + px][(c·p + ky)·p + kx], the conv weight's (c, ky, kx) order.
        float[] patches = new float[tiles * np * k];
        float[] px = pv.data();
        for (int t = 0; t < tiles; t++) {
            for (int py = 0; py < grid; py++) {
                for (int pxi = 0; pxi < grid; pxi++) {
                    int row = ((t * np) + py * grid + pxi) * k;
                    for (int c = 0; c < 3; c++) {
                        for (int ky = 0; ky < patch; ky++) {
                            int src = t * 3 * s * s + c * s * s + (py * patch + ky) * s + pxi * patch;
                            System.arraycopy(px, src, patches, row + (c * patch + ky) * patch, patch);
                        }
                    }
                }
            }
        }
        float[] emb = new float[tiles * np * hidden];
        // X[tiles·G², 3·p·p] · W[hidden, 3·p·p]ᵀ + b → emb[tiles·G², hidden]
        MatMul.gemm(pool, patchEmbedding, patches, tiles * np, patchBias, emb, false);

        float[] pos = positions(grid);
        int tokens = np + 1;
        float[] h = new float[tiles * tokens * hidden];
        for (int t = 0; t < tiles; t++) {
            int base = t * tokens * hidden;
            for (int i = 0; i < hidden; i++) {
                h[base + i] = classEmbedding[i] + pos[i];
            }
            System.arraycopy(emb, t * np * hidden, h, base + hidden, np * hidden);
            VectorMath.add(h, base + hidden, pos, hidden, np * hidden);
        }
        return h;
    }

    /** Position embedding for a grid×grid patch grid: [1 + grid², hidden], CLS entry first, the grid resampled. */
    private float[] positions(int grid) {
        float[] trained = positionEmbedding.toFloatArray();
        if (grid == trainedGrid) {
            return trained;
        }
        int cells = trainedGrid * trainedGrid;
        float[] cellsIn = new float[cells * hidden];
        System.arraycopy(trained, hidden, cellsIn, 0, cellsIn.length);
        float[] resized = PositionGrid.resize(cellsIn, trainedGrid, trainedGrid, grid, grid, hidden);
        float[] pos = new float[(grid * grid + 1) * hidden];
        System.arraycopy(trained, 0, pos, 0, hidden);
        System.arraycopy(resized, 0, pos, hidden, resized.length);
        return pos;
    }

    /** One pre-norm block, in place on h[tiles·tokens, hidden] (architecture.md §2.3). */
    private void block(VisionLayer w, float[] h, int tiles, int tokens, Scratch s, WorkerPool pool) {
        int rows = tiles * tokens;
        int d = hidden;
        int hd = d / heads;
        // h += ls1 ⊙ proj(attn(LN1(h)))
        layerNorm(pool, h, 0, s.norm, rows, d, w.norm1Weight(), w.norm1Bias(), eps);
        MatMul.gemm(pool, w.qkv(), s.norm, rows, w.qkvBias(), s.qkv, false);          // [rows, 3d] = [q | k | v]
        // Attention per tile into norm (free after the GEMM). The kernel writes its output from index 0: tile 0
        // straight into norm; tile t > 0 over the start of qkv, which holds tile 0's q/k/v (used already), then
        // copied to its place. So no per-tile buffer.
        for (int t = 0; t < tiles; t++) {
            int base = t * tokens * 3 * d;
            float[] out = t == 0 ? s.norm : s.qkv;
            Attention.bidirectional(pool, s.qkv, tokens, heads, hd, 3 * d, base, base + d, base + 2 * d, out, d);
            if (t > 0) {
                System.arraycopy(s.qkv, 0, s.norm, t * tokens * d, tokens * d);
            }
        }
        MatMul.gemm(pool, w.proj(), s.norm, rows, w.projBias(), s.qkv, false);       // qkv is free after attention
        addScaled(pool, h, 0, s.qkv, w.ls1(), rows, d);
        // h += ls2 ⊙ fc2(gelu(fc1(LN2(h)))), in row chunks
        for (int i = 0; i < s.chunks; i++) {
            int r0 = (int) ((long) rows * i / s.chunks);
            int n = (int) ((long) rows * (i + 1) / s.chunks) - r0;
            layerNorm(pool, h, r0 * d, s.mlpIn, n, d, w.norm2Weight(), w.norm2Bias(), eps);
            MatMul.gemm(pool, w.fc1(), s.mlpIn, n, w.fc1Bias(), s.mlp, false);
            gelu(pool, s.mlp, n, intermediate);
            MatMul.gemm(pool, w.fc2(), s.mlp, n, w.fc2Bias(), s.mlpOut, false);
            addScaled(pool, h, r0 * d, s.mlpOut, w.ls2(), n, d);
        }
    }

    /**
     * mlp1: LayerNorm → Linear → GELU → Linear, x[m, k²·hidden] → [m, llmHidden]. With {@code inPlace} the
     * LayerNorm overwrites x (it writes each element only after reading it), saving a copy of the features.
     */
    private float[] project(float[] x, int m, boolean inPlace, WorkerPool pool) {
        int c = shuffleFactor * shuffleFactor * hidden;
        float[] norm = inPlace ? x : new float[m * c];
        layerNorm(pool, x, 0, norm, m, c, projNormWeight, projNormBias, PROJECTOR_EPS);
        float[] mid = new float[m * llmHidden];
        MatMul.gemm(pool, proj1, norm, m, proj1Bias, mid, false);
        gelu(pool, mid, m, llmHidden);
        float[] out = new float[m * llmHidden];
        MatMul.gemm(pool, proj2, mid, m, proj2Bias, out, false);
        return out;
    }

    /** Rows per parallel chunk for cheap row-wise ops: at least ~16k elements, so small inputs run inline. */
    private static int grain(int n) {
        return Math.max(1, (1 << 14) / n);
    }

    /** out[r] = LayerNorm(x[xOff + r·n ..]) for r &lt; rows. */
    private static void layerNorm(WorkerPool pool, float[] x, int xOff, float[] out, int rows, int n, float[] w,
                                  float[] b, float eps) {
        pool.parallelFor(0, rows, grain(n), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                Norms.layernorm(out, r * n, x, xOff + r * n, w, b, n, eps);
            }
        });
    }

    private static void gelu(WorkerPool pool, float[] x, int rows, int n) {
        pool.parallelFor(0, rows, grain(n), (r0, r1) -> Activations.gelu(x, r0 * n, (r1 - r0) * n));
    }

    /** h[hOff + r·n ..] += scale ⊙ y[r·n ..] for r &lt; rows. */
    private static void addScaled(WorkerPool pool, float[] h, int hOff, float[] y, float[] scale, int rows, int n) {
        pool.parallelFor(0, rows, grain(n), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                VectorMath.addScaled(h, hOff + r * n, y, r * n, scale, n);
            }
        });
    }

    private static VisionLayer layer(Checkpoint ckpt, VisionConfig v, int l, WeightFormat format) {
        String p = LAYERS + l + ".";
        int d = v.hiddenSize();
        int i = v.intermediateSize();
        return new VisionLayer(
                vector(ckpt, p + "norm1.weight", d), vector(ckpt, p + "norm1.bias", d),
                matrix(ckpt, p + "attn.qkv.weight", 3L * d, d, format),
                v.qkvBias() ? vector(ckpt, p + "attn.qkv.bias", 3 * d) : null,
                matrix(ckpt, p + "attn.proj.weight", d, d, format),
                vector(ckpt, p + "attn.proj.bias", d),
                vector(ckpt, p + "ls1", d),
                vector(ckpt, p + "norm2.weight", d), vector(ckpt, p + "norm2.bias", d),
                matrix(ckpt, p + "mlp.fc1.weight", i, d, format),
                vector(ckpt, p + "mlp.fc1.bias", i),
                matrix(ckpt, p + "mlp.fc2.weight", d, i, format),
                vector(ckpt, p + "mlp.fc2.bias", d),
                vector(ckpt, p + "ls2", d));
    }

    /** Small parameters become float[], read without mapping ({@link Checkpoint#heapCopy}). */
    private static float[] vector(Checkpoint ckpt, String name, int n) {
        return ckpt.heapCopy(name).expectShape(n).toFloatArray();
    }

    /** A view as stored, or converted at load without keeping the stored bytes resident ({@link WeightMatrix#load}). */
    private static WeightMatrix matrix(Checkpoint ckpt, String name, long rows, long cols, WeightFormat format) {
        return WeightMatrix.load(ckpt, name, format, t -> t.expectShape(rows, cols));
    }

    /**
     * Blocks to run for InternVL's select_layer: -1 = all (last_hidden_state); k &lt; -1 = hidden_states[k] of the
     * L+1 states (embeddings first), i.e. L+1+k blocks; k ≥ 0 = k blocks.
     */
    static int layersToRun(int selectLayer, int numLayers) {
        int run = selectLayer < 0 ? numLayers + 1 + selectLayer : selectLayer;
        if (run < 0 || run > numLayers) {
            throw new ModelFormatException("select_layer " + selectLayer + " is outside the " + numLayers
                    + "-layer vision tower");
        }
        return run;
    }

    /** k = 1/downsample_ratio, which must be a whole number (0.5 → 2). */
    static int shuffleFactor(double ratio) {
        long k = Math.round(1.0 / ratio);
        if (ratio <= 0 || k < 1 || Math.abs(k * ratio - 1.0) > 1e-9) {
            throw new ModelFormatException("downsample_ratio " + ratio + " is not 1/k for a whole k");
        }
        return (int) k;
    }
}
