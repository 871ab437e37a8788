package org.visionpangu4j.kernels;

import static org.visionpangu4j.kernels.SimdMath.F;

import jdk.incubator.vector.FloatVector;

/**
 * Normalisations over one row of n floats, in fp32 as PyTorch does them. Scalar twin: {@code reference.ScalarNorms}.
 * Sums are accumulated per lane, reduced in a fixed order, and the scalar tail is added last (closer to PyTorch's
 * own vectorised reductions than a serial sum, and deterministic). Tails use the vector loop's operations.
 */
public final class Norms {
    private Norms() {
    }

    /** RMSNorm: out[i] = (x[i] · rsqrt(mean(x²) + eps)) · w[i]   (x[n], w[n] → out[n]; out may alias x). */
    public static void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] w, int n, float eps) {
        FloatVector ss = FloatVector.zero(F);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            ss = v.fma(v, ss);
        }
        float tail = 0f;
        for (; i < n; i++) {
            tail = Math.fma(x[xOff + i], x[xOff + i], tail);
        }
        float inv = (float) (1.0 / Math.sqrt((SimdMath.sum(ss) + tail) / n + eps));
        for (i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            v.mul(inv).mul(FloatVector.fromArray(F, w, i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] * inv * w[i];
        }
    }

    /** LayerNorm: out = (x − mean) · rsqrt(var + eps) · w + b   (biased variance, as PyTorch; out may alias x). */
    public static void layernorm(float[] out, int outOff, float[] x, int xOff, float[] w, float[] b, int n, float eps) {
        // Two passes (mean, then Σ(x − mean)²): no cancellation when |mean| ≫ std.
        int bound = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i < bound; i += F.length()) {
            acc = acc.add(FloatVector.fromArray(F, x, xOff + i));
        }
        float tail = 0f;
        for (; i < n; i++) {
            tail += x[xOff + i];
        }
        float mean = (SimdMath.sum(acc) + tail) / n;
        acc = FloatVector.zero(F);
        for (i = 0; i < bound; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(mean);
            acc = d.fma(d, acc);
        }
        tail = 0f;
        for (; i < n; i++) {
            float d = x[xOff + i] - mean;
            tail = Math.fma(d, d, tail);
        }
        float inv = (float) (1.0 / Math.sqrt((SimdMath.sum(acc) + tail) / n + eps));
        for (i = 0; i < bound; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(mean).mul(inv);
            d.fma(FloatVector.fromArray(F, w, i), FloatVector.fromArray(F, b, i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = Math.fma((x[xOff + i] - mean) * inv, w[i], b[i]);
        }
    }
}
