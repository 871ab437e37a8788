package org.visionpangu4j.llm.model;

import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.kernels.Activations;
import org.visionpangu4j.kernels.Attention;
import org.visionpangu4j.kernels.MatMul;
import org.visionpangu4j.kernels.Norms;
import org.visionpangu4j.kernels.RopeTable;
import org.visionpangu4j.kernels.WeightMatrix;

/**
 * A Llama-style decoder (openPangu-Embedded, Qwen2; docs/design.md, "Decoder"): weights plus the forward math. The
 * flavours differ only in their config (which projections carry a bias, θ, ε). Immutable and safe to
 * share between threads; everything that changes while a sequence runs lives in its {@link Session}.
 *
 * <pre>
 *   x = E[ids]                                   (or precomputed embeddings)
 *   per layer:  a = RMSNorm(x)·w_in
 *               q, k, v = a·Wqᵀ+bq, a·Wkᵀ+bk, a·Wvᵀ+bv;  RoPE(q, k);  KV cache ← k, v
 *               x += causal_attention(q, K, V)·Woᵀ + bo
 *               m = RMSNorm(x)·w_post
 *               x += (silu(m·Wgateᵀ) ⊙ m·Wupᵀ)·Wdownᵀ
 *   logits = (RMSNorm(x)·w_final)·Headᵀ
 * </pre>
 */
public final class Decoder {
    private final DecoderWeights weights;
    private final DecoderConfig cfg;
    private final RopeTable rope;
    private final float eps;
    private final int hidden;

    public Decoder(DecoderWeights weights) {
        this.weights = weights;
        this.cfg = weights.config();
        this.rope = new RopeTable(cfg.headDim(), cfg.ropeTheta());
        this.eps = (float) cfg.rmsNormEps();
        this.hidden = cfg.hiddenSize();
    }

    /**
     * Loads the decoder from {@code ckpt} (tensors where {@code names} says) with each tensor group in the format
     * {@code formats} asks for, converting on {@code pool}.
     */
    public static Decoder load(Checkpoint ckpt, DecoderTensorNames names, DecoderConfig cfg, WeightFormats formats,
                               WorkerPool pool) {
        return new Decoder(DecoderWeights.load(ckpt, names, cfg, formats, pool));
    }

    /** A new sequence with default options (4096 positions, F32 KV cache). */
    public Session newSession(WorkerPool pool) {
        return newSession(pool, SessionOptions.defaults());
    }

    /** A new sequence; {@code pool} runs its kernels. */
    public Session newSession(WorkerPool pool, SessionOptions options) {
        return new Session(this, pool, options);
    }

    public DecoderWeights weights() {
        return weights;
    }

    public DecoderConfig config() {
        return cfg;
    }

    public int vocabSize() {
        return weights.vocabSize();
    }

    public int hiddenSize() {
        return hidden;
    }

    /**
     * Runs rows s.x[0 .. T) (embeddings of positions pos .. pos+T−1) through every layer, leaving the residual
     * stream in s.x and the keys/values in the session's cache.
     */
    void layers(Session s, int T, int pos) {
        for (int l = 0; l < weights.numLayers(); l++) {
            LayerWeights w = weights.layer(l);
            attention(s, w, l, T, pos);
            mlp(s, w, T);
            if (s.observer != null) {
                s.observer.layerOutput(l, pos, T, s.x, hidden);
            }
        }
    }

    private void attention(Session s, LayerWeights w, int layer, int T, int pos) {
        WorkerPool pool = s.pool;
        int qDim = cfg.qDim();
        int kvDim = cfg.kvDim();
        rmsnormRows(s.xb, s.x, w.attnNorm(), T);
        linear(pool, w.wq(), s.xb, T, w.bq(), s.q, false); // a[T,hidden] · Wqᵀ + bq → q[T,qDim]
        linear(pool, w.wk(), s.xb, T, w.bk(), s.k, false); // → k[T,kvDim]
        linear(pool, w.wv(), s.xb, T, w.bv(), s.v, false); // → v[T,kvDim]
        for (int t = 0; t < T; t++) {
            rope.apply(s.q, t * qDim, cfg.numHeads(), pos + t);
            rope.apply(s.k, t * kvDim, cfg.numKvHeads(), pos + t);
            s.cache.put(layer, pos + t, s.k, t * kvDim, s.v, t * kvDim);
        }
        Attention.causal(pool, s.cache, layer, s.q, T, pos, cfg.numHeads(), s.att); // → att[T,qDim]
        // The o-projection bias and the residual add fused: x += att·Woᵀ + bo.
        linear(pool, w.wo(), s.att, T, w.bo(), s.x, true);
    }

    private void mlp(Session s, LayerWeights w, int T) {
        WorkerPool pool = s.pool;
        int ff = cfg.intermediateSize();
        rmsnormRows(s.xb, s.x, w.mlpNorm(), T);
        linear(pool, w.wGate(), s.xb, T, null, s.gate, false); // m[T,hidden] · Wgateᵀ → gate[T,ff]
        linear(pool, w.wUp(), s.xb, T, null, s.up, false);     // → up[T,ff]
        Activations.swiglu(s.gate, 0, s.up, 0, T * ff);       // gate = silu(gate)·up
        linear(pool, w.wDown(), s.gate, T, null, s.x, true);   // x += gate[T,ff] · Wdownᵀ
    }

    /**
     * Final norm and LM head for the T rows in s.x. With {@code all} non-null, logits of every row go to
     * all[allOff + r·vocab]; otherwise only the last row's, into s.logits (which also ends up holding the last
     * row's logits in the first case). {@code wantLast} false skips the LM head (a prompt chunk that is not last).
     */
    void head(Session s, int T, int pos, boolean wantLast, float[] all, int allOff) {
        float[] wNorm = weights.finalNorm();
        WeightMatrix lmHead = weights.lmHead();
        int vocab = weights.vocabSize();
        if (s.observer != null || all != null) {
            rmsnormRows(s.xb, s.x, wNorm, T);
            if (s.observer != null) {
                s.observer.finalNorm(pos, T, s.xb, hidden);
            }
            if (all != null) {
                for (int r = 0; r < T; r++) {
                    System.arraycopy(s.xb, r * hidden, s.row, 0, hidden);
                    MatMul.gemv(s.pool, lmHead, s.row, null, s.logits, false); // Head[vocab,hidden] · row → logits
                    System.arraycopy(s.logits, 0, all, allOff + r * vocab, vocab);
                }
                return;
            }
        }
        if (wantLast) {
            Norms.rmsnorm(s.row, 0, s.x, (T - 1) * hidden, wNorm, hidden, eps);
            MatMul.gemv(s.pool, lmHead, s.row, null, s.logits, false); // Head[vocab,hidden] · row → logits[vocab]
        }
    }

    /**
     * The input embeddings of {@code ids}, [T, hidden] row-major: what {@link Session#prefill(float[])} takes, for
     * callers that replace some rows (the {@code <IMG_CONTEXT>} positions) with image features first.
     */
    public float[] embed(int[] ids) {
        float[] out = new float[Math.multiplyExact(ids.length, hidden)];
        for (int t = 0; t < ids.length; t++) {
            Session.checkId(ids[t], t, vocabSize());
            embedRow(ids[t], out, t);
        }
        return out;
    }

    /** Fills x[r·hidden ..] with the embedding of token {@code id}. */
    void embedRow(int id, float[] x, int r) {
        weights.embedding().decodeRow(id, x, r * hidden);
    }

    private void rmsnormRows(float[] out, float[] x, float[] w, int T) {
        for (int t = 0; t < T; t++) {
            Norms.rmsnorm(out, t * hidden, x, t * hidden, w, hidden, eps);
        }
    }

    /** X[T,n] · Wᵀ[n,d] (+ b) → Y[T,d] (or Y +=): GEMV for a single row (decode), GEMM for a batch (prefill). */
    private static void linear(WorkerPool pool, WeightMatrix w, float[] x, int T, float[] b, float[] y, boolean acc) {
        if (T == 1) {
            MatMul.gemv(pool, w, x, b, y, acc);
        } else {
            MatMul.gemm(pool, w, x, T, b, y, acc);
        }
    }
}
