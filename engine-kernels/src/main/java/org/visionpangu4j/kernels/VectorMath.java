package org.visionpangu4j.kernels;

import static org.visionpangu4j.kernels.SimdMath.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Small element-wise and reduction kernels over float rows, and softmax (plain and streaming).
 * Scalar twin: {@code reference.ScalarVectorMath}. Loops run whole vectors, then one masked vector for the tail.
 */
public final class VectorMath {
    private VectorMath() {
    }

    /** a[aOff+i] += b[bOff+i]  (residual add). */
    public static void add(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)).intoArray(a, aOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, a, aOff + i, m).add(FloatVector.fromArray(F, b, bOff + i, m))
                    .intoArray(a, aOff + i, m);
        }
    }

    /** acc[aOff+i] += s[i] · y[yOff+i]  (residual add through a per-channel layer scale). */
    public static void addScaled(float[] acc, int aOff, float[] y, int yOff, float[] s, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector yv = FloatVector.fromArray(F, y, yOff + i);
            FloatVector sv = FloatVector.fromArray(F, s, i);
            yv.fma(sv, FloatVector.fromArray(F, acc, aOff + i)).intoArray(acc, aOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(F, y, yOff + i, m);
            FloatVector sv = FloatVector.fromArray(F, s, i, m);
            yv.fma(sv, FloatVector.fromArray(F, acc, aOff + i, m)).intoArray(acc, aOff + i, m);
        }
    }

    /** acc[aOff+i] += s · y[yOff+i]  (axpy). */
    public static void addScaled(float[] acc, int aOff, float[] y, int yOff, float s, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector yv = FloatVector.fromArray(F, y, yOff + i);
            yv.fma(FloatVector.broadcast(F, s), FloatVector.fromArray(F, acc, aOff + i)).intoArray(acc, aOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(F, y, yOff + i, m);
            yv.fma(FloatVector.broadcast(F, s), FloatVector.fromArray(F, acc, aOff + i, m)).intoArray(acc, aOff + i, m);
        }
    }

    /** x[off+i] *= s. */
    public static void scale(float[] x, int off, int n, float s) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, off + i, m).mul(s).intoArray(x, off + i, m);
        }
    }

    /** Σ a[aOff+i]·b[bOff+i], accumulated in two vector registers (so not in the scalar order). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int L = F.length();
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), s1);
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            s0 = FloatVector.fromArray(F, a, aOff + i, m).fma(FloatVector.fromArray(F, b, bOff + i, m), s0);
        }
        return SimdMath.sum(s0.add(s1));
    }

    /** Largest element of x[off .. off+n) (−Inf for n = 0; NaN if any element is NaN). */
    public static float max(float[] x, int off, int n) {
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            mv = mv.max(FloatVector.fromArray(F, x, off + i));
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            mv = mv.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, off + i, m), m);
        }
        return mv.reduceLanes(VectorOperators.MAX);
    }

    /** x[i] = exp(x[i] − shift) over x[off .. off+n); returns the sum of the new values. */
    public static float expShiftSum(float[] x, int off, int n, float shift) {
        FloatVector sum = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector e = SimdMath.exp(FloatVector.fromArray(F, x, off + i).sub(shift));
            e.intoArray(x, off + i);
            sum = sum.add(e);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector e = SimdMath.exp(FloatVector.fromArray(F, x, off + i, m).sub(shift));
            e.intoArray(x, off + i, m);
            sum = sum.add(e, m);
        }
        return SimdMath.sum(sum);
    }

    /** Numerically stable softmax in place over x[off .. off+n): exp(x − max) / Σ, in fp32. */
    public static void softmax(float[] x, int off, int n) {
        if (n == 0) {
            return;
        }
        float max = max(x, off, n);
        float sum = expShiftSum(x, off, n, max);
        scale(x, off, n, 1f / sum);
    }

    /**
     * One step of streaming (online) softmax, as flash attention uses it. state[stateOff] = m (running max) and
     * state[stateOff+1] = l (running Σ exp(s − m)); start with {−Inf, 0}. Turns the block s[off .. off+n) into
     * p = exp(s − m') with m' the new running max, updates the state and returns alpha = exp(m − m'), the factor
     * by which earlier partial results (Σ p·v and l) must be rescaled. After the last block, softmax = p / l.
     * While every score seen is −Inf (fully masked), the block becomes zeros and alpha = 1.
     */
    public static float softmaxOnline(float[] s, int off, int n, float[] state, int stateOff) {
        float mOld = state[stateOff];
        float m = Math.max(mOld, max(s, off, n));
        if (m == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(s, off, off + n, 0f);
            return 1f;
        }
        float alpha = mOld == m ? 1f : (float) Math.exp(mOld - m);
        float sum = expShiftSum(s, off, n, m);
        state[stateOff] = m;
        state[stateOff + 1] = state[stateOff + 1] * alpha + sum;
        return alpha;
    }

    /** Index of the largest element of x[off .. off+n) (first on ties; NaN elements are never chosen over others). */
    public static int argmax(float[] x, int off, int n) {
        if (n <= 0) {
            return 0;
        }
        if (Float.isNaN(x[off])) {
            return 0; // nothing compares greater than the NaN the scan starts from
        }
        // Pass 1: the largest non-NaN value (a NaN lane never wins the compare).
        FloatVector best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            best = best.blend(v, v.compare(VectorOperators.GT, best));
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, off + i, m);
            best = best.blend(v, v.compare(VectorOperators.GT, best, m));
        }
        float max = best.reduceLanes(VectorOperators.MAX);
        // Pass 2: its first index.
        i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            VectorMask<Float> hit = FloatVector.fromArray(F, x, off + i).compare(VectorOperators.EQ, max);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < n; i++) {
            if (x[off + i] == max) {
                return i;
            }
        }
        throw new IllegalStateException("argmax: maximum " + max + " not found again"); // unreachable
    }
}
