package org.visionpangu4j.llm.model;

import org.visionpangu4j.core.ContextOverflowException;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.kernels.KvCache;

/**
 * One sequence being decoded: its KV cache, its position, and scratch buffers grown to the largest prefill batch
 * seen (no allocation per token). Tokens (or precomputed embeddings) are appended at {@link #position()}; each call
 * returns logits.
 * Not thread-safe: one request drives a session at a time. Sessions of one {@link Decoder} are independent.
 *
 * <p>Logits returned by {@link #prefill} and {@link #decode} are this session's buffer of {@code vocab} floats:
 * valid until the next call, and free to be modified in place (samplers do).
 */
public final class Session {
    private final Decoder decoder;
    final WorkerPool pool;
    final KvCache cache;
    private final int capacity;
    private final int chunk;
    private final int hidden;
    private final int vocab;
    private final String limits;
    private int position;
    ForwardObserver observer;

    // Scratch, [rows] × width. Rows grow on demand, up to min(prefill chunk, capacity): a session that decodes
    // after a short prompt never holds a whole chunk's worth (20 MB for openPangu-1B at 256 rows).
    private int rows;
    float[] x;            // residual stream [rows, hidden]
    float[] xb;           // normed activations [rows, hidden]
    float[] q;            // [rows, heads·headDim]
    float[] k;            // [rows, kvHeads·headDim]
    float[] v;            // [rows, kvHeads·headDim]
    float[] att;          // attention output [rows, heads·headDim]
    float[] gate;         // [rows, intermediate]
    float[] up;           // [rows, intermediate]
    final float[] row;    // one normed row [hidden] for the LM head
    final float[] logits; // [vocab]

    Session(Decoder decoder, WorkerPool pool, SessionOptions options) {
        DecoderConfig cfg = decoder.config();
        int maxPos = cfg.maxPositionEmbeddings();
        int requested = options.contextLength() == 0 ? maxPos : options.contextLength();
        this.decoder = decoder;
        this.pool = pool;
        this.capacity = Math.min(requested, maxPos);
        this.limits = "session limit " + (options.contextLength() == 0 ? "none" : options.contextLength())
                + ", config max_position_embeddings " + maxPos;
        this.cache = new KvCache(options.kvCache(), cfg.numLayers(), cfg.numKvHeads(), cfg.headDim(), capacity);
        this.hidden = cfg.hiddenSize();
        this.vocab = decoder.vocabSize();
        this.chunk = Math.min(options.prefillChunk(), capacity);
        this.row = new float[hidden];
        this.logits = new float[vocab];
        ensureRows(1);
    }

    /** Grows the scratch to n rows (n ≤ chunk); their contents need not survive, each call fills them anew. */
    private void ensureRows(int n) {
        if (n <= rows) {
            return;
        }
        DecoderConfig cfg = decoder.config();
        x = new float[n * hidden];
        xb = new float[n * hidden];
        q = new float[n * cfg.qDim()];
        k = new float[n * cfg.kvDim()];
        v = new float[n * cfg.kvDim()];
        att = new float[n * cfg.qDim()];
        gate = new float[n * cfg.intermediateSize()];
        up = new float[n * cfg.intermediateSize()];
        rows = n;
    }

    /** Appends the prompt tokens (in batches of the prefill chunk) and returns the logits after the last one. */
    public float[] prefill(int[] ids) {
        checkIds(ids);
        return run(ids, null, ids.length, null);
    }

    /**
     * Appends precomputed input embeddings {@code [T, hidden]} row-major (the multimodal path, where image
     * features replaced the {@code <IMG_CONTEXT>} rows) and returns the logits after the last row.
     */
    public float[] prefill(float[] embeddings) {
        return run(null, embeddings, rows(embeddings), null);
    }

    /** As {@link #prefill(int[])}, returning a new array of the logits at every position, [T, vocab]. */
    public float[] prefillAllLogits(int[] ids) {
        checkIds(ids);
        float[] all = new float[Math.multiplyExact(ids.length, vocab)];
        run(ids, null, ids.length, all);
        return all;
    }

    /** As {@link #prefill(float[])}, returning a new array of the logits at every position, [T, vocab]. */
    public float[] prefillAllLogits(float[] embeddings) {
        int T = rows(embeddings);
        float[] all = new float[Math.multiplyExact(T, vocab)];
        run(null, embeddings, T, all);
        return all;
    }

    /** Feeds one token at the next position (the decode step: GEMV) and returns its logits. */
    public float[] decode(int id) {
        checkId(id, 0, vocab);
        checkFits(1);
        decoder.embedRow(id, x, 0);
        decoder.layers(this, 1, position);
        decoder.head(this, 1, position, true, null, 0);
        position++;
        return logits;
    }

    private float[] run(int[] ids, float[] embeddings, int T, float[] all) {
        if (T == 0) {
            throw new VisionPanguException("empty prompt: nothing to prefill");
        }
        checkFits(T);
        ensureRows(Math.min(chunk, T));
        for (int done = 0; done < T; ) {
            int n = Math.min(chunk, T - done);
            if (ids != null) {
                for (int r = 0; r < n; r++) {
                    decoder.embedRow(ids[done + r], x, r);
                }
            } else {
                System.arraycopy(embeddings, done * hidden, x, 0, n * hidden);
            }
            decoder.layers(this, n, position);
            decoder.head(this, n, position, done + n == T, all, done * vocab);
            position += n;
            done += n;
        }
        return logits;
    }

    private int rows(float[] embeddings) {
        if (embeddings.length % hidden != 0) {
            throw new IllegalArgumentException("embeddings hold " + embeddings.length + " floats, not a multiple of hidden size "
                    + hidden);
        }
        return embeddings.length / hidden;
    }

    private void checkIds(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i], i, vocab);
        }
    }

    static void checkId(int id, int index, int vocab) {
        if (id < 0 || id >= vocab) {
            throw new VisionPanguException("token id " + id + " (input index " + index + ") is outside the vocabulary [0, "
                    + vocab + ")");
        }
    }

    private void checkFits(int tokens) {
        if (tokens > capacity - position) {
            throw new ContextOverflowException(tokens, position, capacity, limits);
        }
    }

    /** Positions used so far (the next token goes here). */
    public int position() {
        return position;
    }

    /** The most positions this session can hold. */
    public int capacity() {
        return capacity;
    }

    /** Positions still free. */
    public int remaining() {
        return capacity - position;
    }

    public int vocabSize() {
        return vocab;
    }

    public KvCache.Type kvCacheType() {
        return cache.type();
    }

    /** Bytes held by this session's KV cache (allocated up front for {@link #capacity()} positions). */
    public long kvCacheBytes() {
        return cache.byteSize();
    }

    public Decoder decoder() {
        return decoder;
    }

    /**
     * Forgets positions {@code pos} and later (the cache rows are simply overwritten as the sequence grows again),
     * e.g. to re-use a shared prefix. {@code rewind(0)} starts over.
     */
    public void rewind(int pos) {
        if (pos < 0 || pos > position) {
            throw new IllegalArgumentException("cannot rewind to " + pos + ": session is at position " + position);
        }
        position = pos;
    }

    /** Installs (or with null removes) a hook that sees the residual stream per layer and the final-norm output. */
    public void setObserver(ForwardObserver observer) {
        this.observer = observer;
    }
}
