package org.visionpangu4j.vision.model;

import org.visionpangu4j.core.ModelFormatException;
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
 * (docs/design.md, "Vision"). All tiles of an image run as one batch: every linear is one GEMM over
 * tiles·(G²+1) rows; attention runs per tile. Weights stay in the checkpoint's mapping (or its arena when
 * quantized), so the model lives as long as the checkpoint stays open. Immutable and thread-safe.
 */
public final class VisionModel {
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
    private final ProjectorConfig glue;
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

    private VisionModel(Weights in, VisionConfig v, ProjectorConfig glue, VisionOptions opts) {
        this.hidden = v.hiddenSize();
        this.heads = v.numHeads();
        this.intermediate = v.intermediateSize();
        this.patch = v.patchSize();
        this.trainedGrid = v.gridSize();
        this.eps = (float) v.layerNormEps();
        this.shuffleFactor = glue.shuffleFactor();
        this.psV2 = glue.psV2();
        this.llmHidden = glue.llmHidden();
        this.glue = glue;
        int d = hidden;
        int c = v.numChannels();

        Tensor pw = in.tensor(VisionTensor.PATCH_WEIGHT).expectShape(d, c, patch, patch);
        this.patchEmbedding = WeightMatrix.wrap(pw.reshape(d, (long) c * patch * patch));
        this.patchBias = in.vector(VisionTensor.PATCH_BIAS, -1, d);
        this.classEmbedding = in.heapTensor(VisionTensor.CLASS_EMBEDDING).expectShape(1, 1, d).toFloatArray();
        this.positionEmbedding = in.tensor(VisionTensor.POSITION_EMBEDDING)
                .expectShape(1, (long) trainedGrid * trainedGrid + 1, d);

        int run = glue.layersToRun(v.numLayers());
        List<VisionLayer> ls = new ArrayList<>(run);
        for (int l = 0; l < run; l++) {
            ls.add(layer(in, v, l, opts.encoder()));
        }
        this.layers = List.copyOf(ls);

        int shuffled = shuffleFactor * shuffleFactor * d;
        this.projNormWeight = in.vector(VisionTensor.PROJECTOR_NORM_WEIGHT, -1, shuffled);
        this.projNormBias = in.vector(VisionTensor.PROJECTOR_NORM_BIAS, -1, shuffled);
        this.proj1 = in.matrix(VisionTensor.PROJECTOR_FC1_WEIGHT, -1, llmHidden, shuffled, opts.projector());
        this.proj1Bias = in.vector(VisionTensor.PROJECTOR_FC1_BIAS, -1, llmHidden);
        this.proj2 = in.matrix(VisionTensor.PROJECTOR_FC2_WEIGHT, -1, llmHidden, llmHidden, opts.projector());
        this.proj2Bias = in.vector(VisionTensor.PROJECTOR_FC2_BIAS, -1, llmHidden);
    }

    /**
     * Loads the vision tower and projector from {@code ckpt}, the tensors found through {@code names}; quantization
     * (if {@code opts} asks for it) runs on {@code pool}. The checkpoint's encoder layers must be exactly the
     * config's: a layer beyond {@code num_hidden_layers} means the config describes another model.
     */
    public static VisionModel load(Checkpoint ckpt, VisionTensorNames names, VisionConfig v, ProjectorConfig glue,
                                   VisionOptions opts, WorkerPool pool) {
        checkLayerCount(ckpt, names, v.numLayers());
        return new VisionModel(new Weights(ckpt, names, pool), v, glue, opts == null ? VisionOptions.asStored() : opts);
    }

    private static void checkLayerCount(Checkpoint ckpt, VisionTensorNames names, int layers) {
        for (String name : ckpt.names()) {
            int l = names.encoderLayerOf(name);
            if (l >= layers) {
                throw new ModelFormatException("tensor " + name + " belongs to vision layer " + l
                        + ", but the vision config's num_hidden_layers is " + layers);
            }
        }
    }

    /** Image tokens per tile of {@code tileSize} pixels ({@link ProjectorConfig#tokensPerTile}). */
    public int tokensPerTile(int tileSize) {
        return glue.tokensPerTile(tileSize, patch);
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

    /** One pre-norm block, in place on h[tiles·tokens, hidden]. */
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

    private static VisionLayer layer(Weights in, VisionConfig v, int l, WeightFormat format) {
        int d = v.hiddenSize();
        int i = v.intermediateSize();
        return new VisionLayer(
                in.vector(VisionTensor.NORM1_WEIGHT, l, d), in.vector(VisionTensor.NORM1_BIAS, l, d),
                in.matrix(VisionTensor.QKV_WEIGHT, l, 3L * d, d, format),
                v.qkvBias() ? in.vector(VisionTensor.QKV_BIAS, l, 3 * d) : null,
                in.matrix(VisionTensor.PROJ_WEIGHT, l, d, d, format),
                in.vector(VisionTensor.PROJ_BIAS, l, d),
                in.vector(VisionTensor.LAYER_SCALE1, l, d),
                in.vector(VisionTensor.NORM2_WEIGHT, l, d), in.vector(VisionTensor.NORM2_BIAS, l, d),
                in.matrix(VisionTensor.FC1_WEIGHT, l, i, d, format),
                in.vector(VisionTensor.FC1_BIAS, l, i),
                in.matrix(VisionTensor.FC2_WEIGHT, l, d, i, format),
                in.vector(VisionTensor.FC2_BIAS, l, d),
                in.vector(VisionTensor.LAYER_SCALE2, l, d));
    }

    /** The checkpoint's tensors by role, with shape checks whose errors name the tensor. */
    private record Weights(Checkpoint ckpt, VisionTensorNames names, WorkerPool pool) {
        List<String> of(VisionTensor role, int layer) {
            List<String> n = names.names(role, layer);
            if (n.isEmpty()) {
                throw new IllegalStateException("the layout names no tensor for " + role);
            }
            return n;
        }

        String single(VisionTensor role, int layer) {
            List<String> n = of(role, layer);
            if (n.size() != 1) {
                throw new IllegalStateException(role + " must be one tensor, the layout names " + n);
            }
            return n.get(0);
        }

        Tensor tensor(VisionTensor role) {
            return ckpt.tensor(single(role, -1));
        }

        Tensor heapTensor(VisionTensor role) {
            return ckpt.heapCopy(single(role, -1));
        }

        /** Small parameters become float[], read without mapping ({@link Checkpoint#heapCopy}); parts concatenated. */
        float[] vector(VisionTensor role, int layer, int n) {
            List<String> parts = of(role, layer);
            if (parts.size() == 1) {
                return ckpt.heapCopy(parts.get(0)).expectShape(n).toFloatArray();
            }
            float[] out = new float[n];
            int off = 0;
            for (String p : parts) {
                float[] v = ckpt.heapCopy(p).toFloatArray();
                if (off + v.length > n) {
                    throw new ModelFormatException("tensors " + parts + " hold more than the " + n + " values of " + role);
                }
                System.arraycopy(v, 0, out, off, v.length);
                off += v.length;
            }
            if (off != n) {
                throw new ModelFormatException("tensors " + parts + " hold " + off + " values, " + role + " needs " + n);
            }
            return out;
        }

        /**
         * A view as stored, or converted at load on the pool without keeping the stored bytes resident
         * ({@link WeightMatrix#load}); row blocks stored apart are stacked first.
         */
        WeightMatrix matrix(VisionTensor role, int layer, long rows, long cols, WeightFormat format) {
            List<String> parts = of(role, layer);
            if (parts.size() == 1) {
                return WeightMatrix.load(ckpt, parts.get(0), format, t -> t.expectShape(rows, cols), pool);
            }
            Tensor stacked = ckpt.stackRows(parts).expectShape(rows, cols);
            return WeightMatrix.of(stacked, format == null ? WeightFormat.asStored(stacked.dtype()) : format,
                    ckpt.arena(), pool);
        }
    }

}
