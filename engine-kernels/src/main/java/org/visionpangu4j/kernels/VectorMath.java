package org.visionpangu4j.kernels;

import static org.visionpangu4j.kernels.SimdMath.E2;
import static org.visionpangu4j.kernels.SimdMath.E3;
import static org.visionpangu4j.kernels.SimdMath.E4;
import static org.visionpangu4j.kernels.SimdMath.E5;
import static org.visionpangu4j.kernels.SimdMath.E6;
import static org.visionpangu4j.kernels.SimdMath.EXP_HI;
import static org.visionpangu4j.kernels.SimdMath.EXP_LO;
import static org.visionpangu4j.kernels.SimdMath.F;
import static org.visionpangu4j.kernels.SimdMath.LN2_HI;
import static org.visionpangu4j.kernels.SimdMath.LN2_LO;
import static org.visionpangu4j.kernels.SimdMath.LOG2E;
import static org.visionpangu4j.kernels.SimdMath.ROUND_MAGIC;
import static org.visionpangu4j.kernels.SimdMath.ROUND_MAGIC_BITS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Small element-wise and reduction kernels over float rows, and softmax (plain and streaming).
 * Scalar twin: {@code reference.ScalarVectorMath}. Loops run whole vectors and finish with scalar code doing the
 * same operations (element-wise results are bit-for-bit those of the vector loop; sums add the tail last).
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
        for (; i < n; i++) {
            a[aOff + i] += b[bOff + i];
        }
    }

    /** acc[aOff+i] += s[i] · y[yOff+i]  (residual add through a per-channel layer scale; one fma per element). */
    public static void addScaled(float[] acc, int aOff, float[] y, int yOff, float[] s, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector yv = FloatVector.fromArray(F, y, yOff + i);
            FloatVector sv = FloatVector.fromArray(F, s, i);
            yv.fma(sv, FloatVector.fromArray(F, acc, aOff + i)).intoArray(acc, aOff + i);
        }
        for (; i < n; i++) {
            acc[aOff + i] = Math.fma(y[yOff + i], s[i], acc[aOff + i]);
        }
    }

    /** acc[aOff+i] += s · y[yOff+i]  (axpy; one fma per element). */
    public static void addScaled(float[] acc, int aOff, float[] y, int yOff, float s, int n) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector yv = FloatVector.fromArray(F, y, yOff + i);
            yv.fma(sv, FloatVector.fromArray(F, acc, aOff + i)).intoArray(acc, aOff + i);
        }
        for (; i < n; i++) {
            acc[aOff + i] = Math.fma(y[yOff + i], s, acc[aOff + i]);
        }
    }

    /** x[off+i] *= s. */
    public static void scale(float[] x, int off, int n, float s) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= s;
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
        if (i <= n - L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            i += L;
        }
        float tail = 0f;
        for (; i < n; i++) {
            tail = Math.fma(a[aOff + i], b[bOff + i], tail);
        }
        return SimdMath.sum(s0.add(s1)) + tail;
    }

    /** Largest element of x[off .. off+n) (−Inf for n = 0; NaN if any element is NaN). */
    public static float max(float[] x, int off, int n) {
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            mv = mv.max(FloatVector.fromArray(F, x, off + i));
        }
        float m = mv.reduceLanes(VectorOperators.MAX); // max is exact: any order gives the same result
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    /**
     * x[i] = exp(x[i] − shift) over x[off .. off+n); returns the sum of the new values. e^x as described at
     * {@link SimdMath#exp} (≤ 2 ulp).
     */
    public static float expShiftSum(float[] x, int off, int n, float shift) {
        FloatVector sum = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector xc = FloatVector.fromArray(F, x, off + i).sub(shift).max(EXP_LO).min(EXP_HI);
            FloatVector kPlusMagic = xc.fma(LOG2E, ROUND_MAGIC);
            FloatVector kf = kPlusMagic.sub(ROUND_MAGIC);
            IntVector k = kPlusMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            FloatVector r = kf.fma(FloatVector.broadcast(F, -LN2_HI), xc);
            r = kf.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector p = r.fma(E6, E5);
            p = p.fma(r, FloatVector.broadcast(F, E4));
            p = p.fma(r, FloatVector.broadcast(F, E3));
            p = p.fma(r, FloatVector.broadcast(F, E2));
            p = p.fma(r, FloatVector.broadcast(F, 1f));
            p = p.fma(r, FloatVector.broadcast(F, 1f));
            IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            IntVector k2 = k.sub(k1);
            FloatVector e = p.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            e.intoArray(x, off + i);
            sum = sum.add(e);
        }
        float tail = 0f;
        for (; i < n; i++) {
            float e = SimdMath.exp(x[off + i] - shift);
            x[off + i] = e;
            tail += e;
        }
        return SimdMath.sum(sum) + tail;
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
     * ({@link Attention} runs the same recurrence fused into its tile loop, in base 2 and with per-lane sums.)
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
        float max = best.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            if (x[off + i] > max) {
                max = x[off + i];
            }
        }
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
