package org.visionpangu4j.llm.model;

import org.visionpangu4j.kernels.KvCache;

/**
 * Per-session settings.
 *
 * @param contextLength positions the session can hold (prompt + generated); capped by the config's
 *                      {@code max_position_embeddings}; 0 means "the config's maximum". The KV cache is allocated
 *                      for this many positions up front.
 * @param kvCache       KV cache element type: F32 (exact) or INT8 (one scale per position and head)
 * @param prefillChunk  rows per prefill batch; bounds the scratch memory (rows × intermediate floats)
 */
public record SessionOptions(int contextLength, KvCache.Type kvCache, int prefillChunk) {
    public static final int DEFAULT_CONTEXT = 4096;
    public static final int DEFAULT_PREFILL_CHUNK = 256;

    public SessionOptions {
        if (contextLength < 0) {
            throw new IllegalArgumentException("contextLength must be ≥ 0 (0 = config maximum), got " + contextLength);
        }
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be ≥ 1, got " + prefillChunk);
        }
        if (kvCache == null) {
            throw new IllegalArgumentException("kvCache type must not be null");
        }
    }

    /** 4096 positions, F32 KV cache, 256-row prefill chunks. */
    public static SessionOptions defaults() {
        return new SessionOptions(DEFAULT_CONTEXT, KvCache.Type.F32, DEFAULT_PREFILL_CHUNK);
    }

    public SessionOptions withContextLength(int n) {
        return new SessionOptions(n, kvCache, prefillChunk);
    }

    public SessionOptions withKvCache(KvCache.Type t) {
        return new SessionOptions(contextLength, t, prefillChunk);
    }

    public SessionOptions withPrefillChunk(int rows) {
        return new SessionOptions(contextLength, kvCache, rows);
    }
}
