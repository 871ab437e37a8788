package org.visionpangu4j.kernels;

import org.visionpangu4j.core.parallel.WorkerPool;

/** Scaled dot-product attention: causal against a {@link KvCache}, and bidirectional for vision encoders. */
public final class Attention {
    private Attention() {
    }

    /**
     * Causal attention of T new queries against the cache (which already holds their keys/values).
     * q[T, nHeads·headDim] (RoPE applied), query t sits at position startPos + t and sees positions
     * 0 .. startPos + t. Query head h reads KV head h / (nHeads / kvHeads). Scale 1/√headDim.
     * out[T, nHeads·headDim].
     */
    public static void causal(WorkerPool pool, KvCache cache, int layer, float[] q, int T, int startPos, int nHeads,
                              float[] out) {
        int hd = cache.headDim();
        int group = nHeads / cache.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(0, T * nHeads, 1, (a, b) -> {
            float[] scores = new float[startPos + T];
            for (int job = a; job < b; job++) {
                int t = job / nHeads;
                int h = job % nHeads;
                int kvh = h / group;
                int len = startPos + t + 1;
                int qOff = t * nHeads * hd + h * hd;
                for (int p = 0; p < len; p++) {
                    float s = 0f;
                    for (int i = 0; i < hd; i++) {
                        s += q[qOff + i] * cache.key(layer, kvh, p, i);
                    }
                    scores[p] = s * scale;
                }
                VectorMath.softmax(scores, 0, len);
                for (int i = 0; i < hd; i++) {
                    float acc = 0f;
                    for (int p = 0; p < len; p++) {
                        acc += scores[p] * cache.value(layer, kvh, p, i);
                    }
                    out[qOff + i] = acc;
                }
            }
        });
    }

    /**
     * Full (unmasked) attention over T tokens for nHeads heads of headDim. Row t of q, k, v starts at
     * t·rowStride + qOff / kOff / vOff (so a fused [T, 3·H·D] qkv buffer is read in place); head h occupies
     * h·headDim .. (h+1)·headDim within it. out[t·outStride + h·headDim + i]. Scale 1/√headDim.
     */
    public static void bidirectional(WorkerPool pool, float[] qkv, int T, int nHeads, int headDim, int rowStride,
                                     int qOff, int kOff, int vOff, float[] out, int outStride) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        pool.parallelFor(0, T * nHeads, 1, (a, b) -> {
            float[] scores = new float[T];
            for (int job = a; job < b; job++) {
                int t = job / nHeads;
                int h = job % nHeads;
                int qo = t * rowStride + qOff + h * headDim;
                for (int p = 0; p < T; p++) {
                    scores[p] = VectorMath.dot(qkv, qo, qkv, p * rowStride + kOff + h * headDim, headDim) * scale;
                }
                VectorMath.softmax(scores, 0, T);
                int oo = t * outStride + h * headDim;
                for (int i = 0; i < headDim; i++) {
                    float acc = 0f;
                    for (int p = 0; p < T; p++) {
                        acc += scores[p] * qkv[p * rowStride + vOff + h * headDim + i];
                    }
                    out[oo + i] = acc;
                }
            }
        });
    }
}
