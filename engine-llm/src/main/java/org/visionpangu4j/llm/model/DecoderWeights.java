package org.visionpangu4j.llm.model;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.config.LlmConfig;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.kernels.WeightMatrix;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * All decoder parameters, loaded from a {@link Checkpoint} and checked against the {@link LlmConfig}. Matrices
 * view the checkpoint's tensors as stored, or are quantized copies in its arena (read from temporary mappings, so
 * the stored bytes of quantized matrices do not stay resident), so they live as long as the checkpoint stays open.
 * Immutable.
 */
public final class DecoderWeights {

    /** Where the decoder's tensors sit in a checkpoint (architecture.md §1.4, §5). */
    public enum Layout {
        /** InternVL-chat checkpoint: {@code language_model.model.*}, {@code language_model.lm_head.weight}. */
        INTERNVL("language_model.model.", "language_model.lm_head.weight"),
        /** transformers' InternVL conversion: {@code model.language_model.*}, {@code lm_head.weight}. */
        HF("model.language_model.", "lm_head.weight"),
        /** Plain openPangu-Embedded checkpoint: {@code model.*}, {@code lm_head.weight}. */
        PLAIN("model.", "lm_head.weight");

        final String model;
        final String lmHead;

        Layout(String model, String lmHead) {
            this.model = model;
            this.lmHead = lmHead;
        }

        /** The layout whose embedding tensor is in {@code ckpt}; a clear error if neither is. */
        public static Layout detect(Checkpoint ckpt) {
            for (Layout l : values()) {
                if (ckpt.has(l.model + "embed_tokens.weight")) {
                    return l;
                }
            }
            throw new ModelFormatException(ckpt.directory() + ": no decoder found (none of '" + INTERNVL.model
                    + "embed_tokens.weight', '" + HF.model + "embed_tokens.weight', '" + PLAIN.model
                    + "embed_tokens.weight')");
        }
    }

    private final LlmConfig config;
    private final Layout layout;
    private final int vocabSize;
    private final WeightMatrix embedding;
    private final List<LayerWeights> layers;
    private final float[] finalNorm;
    private final WeightMatrix lmHead;
    private final boolean tied;

    private DecoderWeights(LlmConfig config, Layout layout, WeightMatrix embedding, List<LayerWeights> layers,
                           float[] finalNorm, WeightMatrix lmHead, boolean tied) {
        this.config = config;
        this.layout = layout;
        this.vocabSize = embedding.rows();
        this.embedding = embedding;
        this.layers = List.copyOf(layers);
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.tied = tied;
    }

    /** Loads the decoder as stored. */
    public static DecoderWeights load(Checkpoint ckpt, LlmConfig cfg) {
        return load(ckpt, cfg, WeightFormats.asStored());
    }

    /** Loads the decoder, holding each tensor group in the format {@code formats} asks for. */
    public static DecoderWeights load(Checkpoint ckpt, LlmConfig cfg, WeightFormats formats) {
        Layout layout = Layout.detect(ckpt);
        Loader in = new Loader(ckpt, layout.model);
        int h = cfg.hiddenSize();
        checkLayerCount(ckpt, layout, cfg);
        if (cfg.headDim() % 2 != 0) {
            throw new ModelFormatException("llm_config: head_dim " + cfg.headDim() + " must be even for RoPE");
        }

        String embName = layout.model + "embed_tokens.weight";
        boolean tied = cfg.tieWordEmbeddings() || !ckpt.has(layout.lmHead);
        ckpt.reserve(convertedBytes(ckpt, layout, cfg, formats, tied));
        WeightMatrix embedding = in.matrix(embName, formats.embedding(), t -> {
            if (t.rank() != 2 || t.dim(1) != h || t.dim(0) < 1) {
                throw new ModelFormatException("tensor " + t.name() + " has shape " + shape(t)
                        + ", expected [vocab, " + h + "]");
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
            lmHead = in.matrix(layout.lmHead, formats.lmHead(), t -> t.expectShape(vocab, h));
        }
        return new DecoderWeights(cfg, layout, embedding, List.of(layers), finalNorm, lmHead, tied);
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
    private static long convertedBytes(Checkpoint ckpt, Layout layout, LlmConfig cfg, WeightFormats f, boolean tied) {
        String emb = layout.model + "embed_tokens.weight";
        long n = converted(ckpt, emb, f.embedding());
        if (!tied) {
            n += converted(ckpt, layout.lmHead, f.lmHead());
        } else if (f.lmHead() != f.embedding()) {
            n += converted(ckpt, emb, f.lmHead());
        }
        for (int l = 0; l < cfg.numLayers(); l++) {
            String p = layout.model + "layers." + l + ".";
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

    private static LayerWeights loadLayer(Loader in, String p, LlmConfig cfg, WeightFormats f) {
        int h = cfg.hiddenSize();
        int qd = cfg.qDim();
        int kvd = cfg.kvDim();
        int ff = cfg.intermediateSize();
        boolean bias = cfg.attentionBias();
        String a = p + "self_attn.";
        String m = p + "mlp.";
        return new LayerWeights(
                in.vector(p + "input_layernorm.weight", h),
                in.matrix(a + "q_proj.weight", qd, h, f.attention()),
                bias ? in.vector(a + "q_proj.bias", qd) : null,
                in.matrix(a + "k_proj.weight", kvd, h, f.attention()),
                bias ? in.vector(a + "k_proj.bias", kvd) : null,
                in.matrix(a + "v_proj.weight", kvd, h, f.attention()),
                bias ? in.vector(a + "v_proj.bias", kvd) : null,
                in.matrix(a + "o_proj.weight", h, qd, f.attention()),
                bias ? in.vector(a + "o_proj.bias", h) : null,
                in.vector(p + "post_attention_layernorm.weight", h),
                in.matrix(m + "gate_proj.weight", ff, h, f.mlp()),
                in.matrix(m + "up_proj.weight", ff, h, f.mlp()),
                in.matrix(m + "down_proj.weight", h, ff, f.mlp()));
    }

    /** Layers in the file beyond the config's count mean the config is for another model. */
    private static void checkLayerCount(Checkpoint ckpt, Layout layout, LlmConfig cfg) {
        String prefix = layout.model + "layers.";
        for (String name : ckpt.names()) {
            if (name.startsWith(prefix)) {
                int dot = name.indexOf('.', prefix.length());
                String idx = dot < 0 ? "" : name.substring(prefix.length(), dot);
                int l;
                try {
                    l = Integer.parseInt(idx);
                } catch (NumberFormatException e) {
                    throw new ModelFormatException("tensor " + name + ": layer index '" + idx + "' is not a number");
                }
                if (l < 0 || l >= cfg.numLayers()) {
                    throw new ModelFormatException("tensor " + name + " belongs to layer " + l
                            + ", but llm_config.num_hidden_layers is " + cfg.numLayers());
                }
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
    private record Loader(Checkpoint ckpt, String prefix) {
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
            return WeightMatrix.load(ckpt, fullName, format, t -> check.apply(checked(t)));
        }
    }

    public LlmConfig config() {
        return config;
    }

    public Layout layout() {
        return layout;
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

    /** Whether the LM head is the embedding tensor (config ties, or the checkpoint has no lm_head). */
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
