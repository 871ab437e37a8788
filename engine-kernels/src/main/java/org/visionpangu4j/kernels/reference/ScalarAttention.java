package org.visionpangu4j.kernels.reference;

import org.visionpangu4j.kernels.KvCache;

/**
 * Scalar twin of {@link org.visionpangu4j.kernels.Attention}: one query row and head at a time, all scores of the row
 * materialised, softmax, weighted sum of values. Reads the cache only through {@link KvCache#key}/{@link KvCache#value}.
 */
public final class ScalarAttention {
    private ScalarAttention() {
    }

    /** Same contract as {@link org.visionpangu4j.kernels.Attention#causal}, single-threaded. */
    public static void causal(KvCache cache, int layer, float[] q, int T, int startPos, int nHeads, float[] out) {
        int hd = cache.headDim();
        int group = nHeads / cache.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] scores = new float[startPos + T];
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < nHeads; h++) {
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
                ScalarVectorMath.softmax(scores, 0, len);
                for (int i = 0; i < hd; i++) {
                    float acc = 0f;
                    for (int p = 0; p < len; p++) {
                        acc += scores[p] * cache.value(layer, kvh, p, i);
                    }
                    out[qOff + i] = acc;
                }
            }
        }
    }

    /** Same contract as {@link org.visionpangu4j.kernels.Attention#bidirectional}, single-threaded. */
    public static void bidirectional(float[] qkv, int T, int nHeads, int headDim, int rowStride, int qOff, int kOff,
                                     int vOff, float[] out, int outStride) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] scores = new float[T];
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < nHeads; h++) {
                int qo = t * rowStride + qOff + h * headDim;
                for (int p = 0; p < T; p++) {
                    int ko = p * rowStride + kOff + h * headDim;
                    scores[p] = ScalarVectorMath.dot(qkv, qo, qkv, ko, headDim) * scale;
                }
                ScalarVectorMath.softmax(scores, 0, T);
                int oo = t * outStride + h * headDim;
                for (int i = 0; i < headDim; i++) {
                    float acc = 0f;
                    for (int p = 0; p < T; p++) {
                        acc += scores[p] * qkv[p * rowStride + vOff + h * headDim + i];
                    }
                    out[oo + i] = acc;
                }
            }
        }
    }
}
