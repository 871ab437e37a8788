package org.visionpangu4j.kernels.reference;

/** Scalar twin of {@link org.visionpangu4j.kernels.Norms}. */
public final class ScalarNorms {
    private ScalarNorms() {
    }

    /** RMSNorm: out[i] = (x[i] · rsqrt(mean(x²) + eps)) · w[i]   (x[n], w[n] → out[n]; out may alias x). */
    public static void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] w, int n, float eps) {
        float ss = 0f;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            ss += v * v;
        }
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * inv * w[i];
        }
    }

    /** LayerNorm: out = (x − mean) / sqrt(var + eps) · w + b   (biased variance, as PyTorch; out may alias x). */
    public static void layernorm(float[] out, int outOff, float[] x, int xOff, float[] w, float[] b, int n, float eps) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += x[xOff + i];
        }
        float mean = sum / n;
        float var = 0f;
        for (int i = 0; i < n; i++) {
            float dlt = x[xOff + i] - mean;
            var += dlt * dlt;
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = (x[xOff + i] - mean) * inv * w[i] + b[i];
        }
    }
}
