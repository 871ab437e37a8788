package org.visionpangu4j.kernels;

import static org.visionpangu4j.kernels.SimdMath.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Normalisations over one row of n floats, in fp32 as PyTorch does them. Scalar twin: {@code reference.ScalarNorms}.
 * Sums are accumulated per lane and then reduced (closer to PyTorch's own vectorised reductions than a serial sum).
 */
public final class Norms {
    private Norms() {
    }

    /** RMSNorm: out[i] = (x[i] · rsqrt(mean(x²) + eps)) · w[i]   (x[n], w[n] → out[n]; out may alias x). */
    public static void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] w, int n, float eps) {
        FloatVector ss = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            ss = v.fma(v, ss);
        }
        if (i < n) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, F.indexInRange(i, n));
            ss = v.fma(v, ss);
        }
        float inv = (float) (1.0 / Math.sqrt(SimdMath.sum(ss) / n + eps));
        i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            v.mul(inv).mul(FloatVector.fromArray(F, w, i)).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            v.mul(inv).mul(FloatVector.fromArray(F, w, i, m)).intoArray(out, outOff + i, m);
        }
    }

    /** LayerNorm: out = (x − mean) · rsqrt(var + eps) · w + b   (biased variance, as PyTorch; out may alias x). */
    public static void layernorm(float[] out, int outOff, float[] x, int xOff, float[] w, float[] b, int n, float eps) {
        // Two passes (mean, then Σ(x − mean)²): no cancellation when |mean| ≫ std.
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = acc.add(FloatVector.fromArray(F, x, xOff + i));
        }
        if (i < n) {
            acc = acc.add(FloatVector.fromArray(F, x, xOff + i, F.indexInRange(i, n)));
        }
        float mean = SimdMath.sum(acc) / n;
        acc = FloatVector.zero(F);
        i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(mean);
            acc = d.fma(d, acc);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(F, x, xOff + i, m).sub(mean, m); // masked lanes stay 0
            acc = d.fma(d, acc);
        }
        float inv = (float) (1.0 / Math.sqrt(SimdMath.sum(acc) / n + eps));
        i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(mean).mul(inv);
            d.fma(FloatVector.fromArray(F, w, i), FloatVector.fromArray(F, b, i)).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(F, x, xOff + i, m).sub(mean).mul(inv);
            d.fma(FloatVector.fromArray(F, w, i, m), FloatVector.fromArray(F, b, i, m)).intoArray(out, outOff + i, m);
        }
    }
}
