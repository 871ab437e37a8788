package org.visionpangu4j.kernels.reference;

/** Scalar twin of {@link org.visionpangu4j.kernels.RopeTable}: rotate-half RoPE, angles computed on every call. */
public final class ScalarRope {
    private ScalarRope() {
    }

    /** inv_freq[i] = 1/θ^(2i/headDim) in float, as HF computes it. */
    public static float invFreq(int i, int headDim, double theta) {
        float exponent = (float) (2 * i) / (float) headDim;
        return 1.0f / (float) Math.pow((float) theta, exponent);
    }

    /**
     * Rotates nHeads heads of x (row x[off .. off + nHeads·headDim)) for position pos:
     * out[i] = x[i]·cos − x[i+half]·sin, out[i+half] = x[i+half]·cos + x[i]·sin, angle = pos·inv_freq[i] in float.
     */
    public static void apply(float[] x, int off, int nHeads, int headDim, double theta, int pos) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            float angle = pos * invFreq(i, headDim, theta);
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < nHeads; h++) {
                int base = off + h * headDim;
                float a = x[base + i];
                float b = x[base + i + half];
                x[base + i] = a * cos - b * sin;
                x[base + i + half] = b * cos + a * sin;
            }
        }
    }
}
