package org.visionpangu4j.llm.model;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.kernels.WeightMatrix;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * All decoder parameters, loaded from a {@link Checkpoint} and checked against the {@link DecoderConfig}. Matrices
 * view the checkpoint's tensors as stored, or are quantized copies in its arena (read from temporary mappings, so
 * the stored bytes of quantized matrices do not stay resident), so they live as long as the checkpoint stays open.
 * Immutable.
 */
public final class DecoderWeights {

    private final DecoderConfig config;
    private final DecoderTensorNames names;
    private final int vocabSize;
    private final WeightMatrix embedding;
    private final List<LayerWeights> layers;
    private final float[] finalNorm;
    private final WeightMatrix lmHead;
    private final boolean tied;

    private DecoderWeights(DecoderConfig config, DecoderTensorNames names, WeightMatrix embedding, List<LayerWeights> layers,
                           float[] finalNorm, WeightMatrix lmHead, boolean tied) {
        this.config = config;
        this.names = names;
        this.vocabSize = embedding.rows();
        this.embedding = embedding;
        this.layers = List.copyOf(layers);
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.tied = tied;
    }

    /**
     * Loads the decoder from the tensors {@code names} points at, each group of matrices in the format {@code formats}
     * asks for; conversions run on {@code pool}. The checkpoint must hold exactly the config's layers, and an LM
     * head unless the config ties it to the embedding.
     */
    public static DecoderWeights load(Checkpoint ckpt, DecoderTensorNames names, DecoderConfig cfg,
                                      WeightFormats formats, WorkerPool pool) {
        checkLayerCount(ckpt, names, cfg);
        Loader in = new Loader(ckpt, names.prefix(), pool);
        int h = cfg.hiddenSize();
        String embName = names.embedding();
        if (!ckpt.has(embName)) {
            throw new ModelFormatException(ckpt.directory() + ": no decoder found ('" + embName + "' is missing)");
        }
        boolean tied = cfg.tieWordEmbeddings();
        if (!tied && !ckpt.has(names.lmHead())) {
            throw new ModelFormatException(ckpt.directory() + ": the config does not tie the LM head to the embedding"
                    + " (tie_word_embeddings false) but the checkpoint has no '" + names.lmHead() + "'");
        }
        // Tied: the embedding is the head, as transformers ties them at load (a stored lm_head is ignored).
        ckpt.reserve(convertedBytes(ckpt, names, cfg, formats, tied));
        WeightMatrix embedding = in.matrix(embName, formats.embedding(), t -> {
            if (t.rank() != 2 || t.dim(1) != h || t.dim(0) < 1) {
                throw new ModelFormatException("tensor " + t.name() + " has shape " + shape(t)
                        + ", expected [vocab, " + h + "]");
            }
            if (t.dim(0) != cfg.vocabSize()) {
                throw new ModelFormatException("tensor " + t.name() + " has " + t.dim(0) + " rows but the config's"
                        + " vocab_size is " + cfg.vocabSize());
            }
            return t;
        });
        long vocab = embedding.rows();

        LayerWeights[] layers = new LayerWeights[cfg.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = loadLayer(in, "layers." + l + ".", cfg, formats);
        }
        float[] finalNorm = in.vector("norm.weight", h);

        WeightMatrix lmHead;
        if (tied) {
            lmHead = formats.lmHead() == formats.embedding() ? embedding
                    : in.matrix(embName, formats.lmHead(), UnaryOperator.identity());
        } else {
            lmHead = in.matrix(names.lmHead(), formats.lmHead(), t -> t.expectShape(vocab, h));
        }
        return new DecoderWeights(cfg, names, embedding, List.of(layers), finalNorm, lmHead, tied);
    }

    /** Per-layer matrices by group, for {@link #convertedBytes} (the load itself names them in {@link #loadLayer}). */
    private static final String[] ATTENTION = {"self_attn.q_proj.weight", "self_attn.k_proj.weight",
            "self_attn.v_proj.weight", "self_attn.o_proj.weight"};
    private static final String[] MLP = {"mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"};
    /** Per converted matrix beyond its format bytes: the quantizers pad and 64-byte-align their two regions. */
    private static final long SLACK_PER_MATRIX = 256;

    /**
     * Bytes that the matrices converted at load will take, so the checkpoint can allocate them as one block
     * ({@link Checkpoint#reserve}). An estimate: the load works whatever it is.
     */
    private static long convertedBytes(Checkpoint ckpt, DecoderTensorNames names, DecoderConfig cfg, WeightFormats f,
                                       boolean tied) {
        String emb = names.embedding();
        long n = converted(ckpt, emb, f.embedding());
        if (!tied) {
            n += converted(ckpt, names.lmHead(), f.lmHead());
        } else if (f.lmHead() != f.embedding()) {
            n += converted(ckpt, emb, f.lmHead());
        }
        for (int l = 0; l < cfg.numLayers(); l++) {
            String p = names.prefix() + "layers." + l + ".";
            for (String m : ATTENTION) {
                n += converted(ckpt, p + m, f.attention());
            }
            for (String m : MLP) {
                n += converted(ckpt, p + m, f.mlp());
            }
        }
        return n;
    }

    /** Bytes of tensor {@code name} converted to {@code format}; 0 when it stays as stored (or is not a matrix). */
    private static long converted(Checkpoint ckpt, String name, WeightFormat format) {
        if (format == null || !ckpt.has(name) || format == WeightFormat.asStored(ckpt.dtype(name))) {
            return 0;
        }
        long[] shape = ckpt.shape(name);
        return shape.length != 2 ? 0 : format.byteSize(shape[0], shape[1]) + SLACK_PER_MATRIX;
    }

    private static LayerWeights loadLayer(Loader in, String p, DecoderConfig cfg, WeightFormats f) {
        int h = cfg.hiddenSize();
        int qd = cfg.qDim();
        int kvd = cfg.kvDim();
        int ff = cfg.intermediateSize();
        boolean qkvBias = cfg.qkvBias();
        boolean oBias = cfg.outputBias();
        String a = p + "self_attn.";
        String m = p + "mlp.";
        return new LayerWeights(
                in.vector(p + "input_layernorm.weight", h),
                in.matrix(a + "q_proj.weight", qd, h, f.attention()),
                qkvBias ? in.vector(a + "q_proj.bias", qd) : absent(in, a + "q_proj.bias"),
                in.matrix(a + "k_proj.weight", kvd, h, f.attention()),
                qkvBias ? in.vector(a + "k_proj.bias", kvd) : absent(in, a + "k_proj.bias"),
                in.matrix(a + "v_proj.weight", kvd, h, f.attention()),
                qkvBias ? in.vector(a + "v_proj.bias", kvd) : absent(in, a + "v_proj.bias"),
                in.matrix(a + "o_proj.weight", h, qd, f.attention()),
                oBias ? in.vector(a + "o_proj.bias", h) : absent(in, a + "o_proj.bias"),
                in.vector(p + "post_attention_layernorm.weight", h),
                in.matrix(m + "gate_proj.weight", ff, h, f.mlp()),
                in.matrix(m + "up_proj.weight", ff, h, f.mlp()),
                in.matrix(m + "down_proj.weight", h, ff, f.mlp()));
    }

    /** A bias the config says is absent must be absent: a present one means the config is for another model. */
    private static float[] absent(Loader in, String name) {
        if (in.ckpt().has(in.prefix() + name)) {
            throw new ModelFormatException("tensor " + in.prefix() + name + " is in the checkpoint, but the config says"
                    + " this projection has no bias");
        }
        return null;
    }

    /** Layers in the file beyond the config's count mean the config is for another model. */
    private static void checkLayerCount(Checkpoint ckpt, DecoderTensorNames names, DecoderConfig cfg) {
        for (String name : ckpt.names()) {
            int l = names.layerOf(name);
            if (l >= cfg.numLayers()) {
                throw new ModelFormatException("tensor " + name + " belongs to layer " + l
                        + ", but the config's num_hidden_layers is " + cfg.numLayers());
            }
        }
    }

    private static String shape(Tensor t) {
        return java.util.Arrays.toString(t.shape());
    }

    /**
     * Reads tensors under one name prefix, checking shapes and dtypes with errors that name the tensor. Vectors
     * become float[]; matrices are views as stored or converted at load ({@link WeightMatrix#load}).
     */
    private record Loader(Checkpoint ckpt, String prefix, WorkerPool pool) {
        static Tensor checked(Tensor t) {
            if (t.dtype() != DType.F32 && t.dtype() != DType.BF16 && t.dtype() != DType.F16) {
                throw new ModelFormatException("tensor " + t.name() + " has dtype " + t.dtype()
                        + "; decoder weights must be F32, BF16 or F16");
            }
            return t;
        }

        float[] vector(String name, int n) {
            return checked(ckpt.heapCopy(prefix + name)).expectShape(n).toFloatArray();
        }

        WeightMatrix matrix(String name, int rows, int cols, WeightFormat format) {
            return matrix(prefix + name, format, t -> t.expectShape(rows, cols));
        }

        /** The matrix called {@code fullName} (no prefix added) in {@code format}, after {@code check}. */
        WeightMatrix matrix(String fullName, WeightFormat format, UnaryOperator<Tensor> check) {
            return WeightMatrix.load(ckpt, fullName, format, t -> check.apply(checked(t)), pool);
        }
    }

    public DecoderConfig config() {
        return config;
    }

    public DecoderTensorNames names() {
        return names;
    }

    /** Rows of the embedding (may differ from {@code llm_config.vocab_size}; this one is what the file holds). */
    public int vocabSize() {
        return vocabSize;
    }

    /** Token embedding E[vocab, hidden]. */
    public WeightMatrix embedding() {
        return embedding;
    }

    public LayerWeights layer(int l) {
        return layers.get(l);
    }

    public int numLayers() {
        return layers.size();
    }

    /** Final RMSNorm weight [hidden]; callers must not modify it. */
    public float[] finalNorm() {
        return finalNorm;
    }

    /** LM head [vocab, hidden]: a separate matrix, or the embedding when tied. */
    public WeightMatrix lmHead() {
        return lmHead;
    }

    /** Whether the LM head is the embedding tensor (the config ties them). */
    public boolean tied() {
        return tied;
    }

    /** Bytes of weight data in the matrices (a tied head shared with the embedding counted once). */
    public long byteSize() {
        long n = embedding.byteSize() + (lmHead == embedding ? 0 : lmHead.byteSize());
        for (LayerWeights w : layers) {
            for (WeightMatrix m : List.of(w.wq(), w.wk(), w.wv(), w.wo(), w.wGate(), w.wUp(), w.wDown())) {
                n += m.byteSize();
            }
        }
        return n;
    }
}
