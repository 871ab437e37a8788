package org.visionpangu4j.kernels;

import static org.visionpangu4j.kernels.SimdMath.E2;
import static org.visionpangu4j.kernels.SimdMath.E3;
import static org.visionpangu4j.kernels.SimdMath.E4;
import static org.visionpangu4j.kernels.SimdMath.E5;
import static org.visionpangu4j.kernels.SimdMath.E6;
import static org.visionpangu4j.kernels.SimdMath.ERFC_TAIL;
import static org.visionpangu4j.kernels.SimdMath.ERF_D;
import static org.visionpangu4j.kernels.SimdMath.ERF_F;
import static org.visionpangu4j.kernels.SimdMath.ERF_ONE;
import static org.visionpangu4j.kernels.SimdMath.ERF_SMALL;
import static org.visionpangu4j.kernels.SimdMath.ERF_SPLIT;
import static org.visionpangu4j.kernels.SimdMath.ERF_STEP;
import static org.visionpangu4j.kernels.SimdMath.EXP_HI;
import static org.visionpangu4j.kernels.SimdMath.EXP_LO;
import static org.visionpangu4j.kernels.SimdMath.F;
import static org.visionpangu4j.kernels.SimdMath.INV_SQRT2;
import static org.visionpangu4j.kernels.SimdMath.LN2_HI;
import static org.visionpangu4j.kernels.SimdMath.LN2_LO;
import static org.visionpangu4j.kernels.SimdMath.LOG2E;
import static org.visionpangu4j.kernels.SimdMath.ROUND_MAGIC;
import static org.visionpangu4j.kernels.SimdMath.ROUND_MAGIC_BITS;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise activations, in place over x[off .. off+n). Scalar twin: {@code reference.ScalarActivations}.
 *
 * <p>GELU and erf are evaluated in double lanes so that the float result is within ½ ulp + 1e-9 of the true value
 * (|error| ≤ 3.1e-8 for erf over the whole float range), whatever the width. Loops run whole vectors and finish with
 * the scalar forms in {@link SimdMath}, which give the same bits (no masked tail, so nothing falls off the fast path
 * on platforms without masked loads and stores).
 */
public final class Activations {
    private Activations() {
    }

    /**
     * Exact GELU: 0.5·x·(1 + erf(x/√2)) (PyTorch's default, not the tanh approximation; −Inf gives NaN as there).
     * |error| ≤ ½ ulp + 1e-9·|x| while |x/√2| &lt; 4; below x = −4√2 the result is −0 (the true value is ≥ −4.4e-8
     * there; PyTorch's float erf saturates earlier still).
     */
    public static void gelu(float[] x, int off, int n) {
        erfLoop(x, off, n, true);
    }

    /** erf of each element of x[off .. off+n), in place (|error| ≤ 3.1e-8 over the whole float range). */
    public static void erf(float[] x, int off, int n) {
        erfLoop(x, off, n, false);
    }

    /** erf or GELU over x[off .. off+n) in double lanes (the algorithm is described at {@link SimdMath#erf}). */
    private static void erfLoop(float[] x, int off, int n, boolean gelu) {
        int i = 0;
        for (int bound = ERF_F.loopBound(n); i < bound; i += ERF_F.length()) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(ERF_F, x, off + i)
                    .convertShape(VectorOperators.F2D, ERF_D, 0);
            DoubleVector z = gelu ? v.mul(INV_SQRT2) : v;
            DoubleVector a = z.abs();
            // a < 2.5: a·P(a²)
            DoubleVector s = a.min(ERF_SPLIT);
            DoubleVector t = s.mul(s).fma(1.0 / 3.125, -1.0);
            DoubleVector p = DoubleVector.broadcast(ERF_D, ERF_SMALL[12]);
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[11]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[10]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[9]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[8]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[7]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[6]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[5]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[4]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[3]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[2]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[1]));
            p = p.fma(t, DoubleVector.broadcast(ERF_D, ERF_SMALL[0]));
            DoubleVector small = s.mul(p);
            // 2.5 ≤ a: 1 − erfc(a), erfc faded to 0 at a = 4
            DoubleVector ac = a.max(ERF_SPLIT).min(ERF_ONE);
            t = ac.sub(3.25).mul(1.0 / 0.75);
            DoubleVector q = DoubleVector.broadcast(ERF_D, ERFC_TAIL[9]);
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[8]));
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[7]));
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[6]));
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[5]));
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[4]));
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[3]));
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[2]));
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[1]));
            q = q.fma(t, DoubleVector.broadcast(ERF_D, ERFC_TAIL[0]));
            DoubleVector fade = ac.neg().add(ERF_ONE).mul(ERF_STEP).min(1.0);
            DoubleVector tail = q.mul(fade).neg().add(1.0);
            // mix, then put the sign back
            DoubleVector w = a.sub(ERF_SPLIT).mul(ERF_STEP).max(0.0).min(1.0);
            DoubleVector e = w.fma(tail.sub(small), small);
            LongVector sign = z.reinterpretAsLongs().and(Long.MIN_VALUE);
            e = e.reinterpretAsLongs().or(sign).reinterpretAsDoubles();
            DoubleVector y = gelu ? e.add(1.0).mul(v).mul(0.5) : e;
            ((FloatVector) y.convertShape(VectorOperators.D2F, ERF_F, 0)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            float xi = x[off + i];
            x[off + i] = gelu ? SimdMath.gelu(xi) : (float) SimdMath.erf(xi);
        }
    }

    /** SiLU: x·sigmoid(x) = x / (1 + e^−x), as PyTorch computes it. */
    public static void silu(float[] x, int off, int n) {
        siluLoop(x, off, null, 0, n);
    }

    /** SwiGLU: gate[i] = silu(gate[i]) · up[i]. */
    public static void swiglu(float[] gate, int gOff, float[] up, int uOff, int n) {
        siluLoop(gate, gOff, up, uOff, n);
    }

    /** g = g / (1 + e^−g), times up if up != null (e^x as described at {@link SimdMath#exp}). */
    private static void siluLoop(float[] g, int gOff, float[] up, int uOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, g, gOff + i);
            FloatVector xc = v.neg().max(EXP_LO).min(EXP_HI);
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
            FloatVector y = v.div(e.add(1f));
            if (up != null) {
                y = y.mul(FloatVector.fromArray(F, up, uOff + i));
            }
            y.intoArray(g, gOff + i);
        }
        for (; i < n; i++) {
            float v = g[gOff + i];
            float y = v / (SimdMath.exp(-v) + 1f);
            g[gOff + i] = up != null ? y * up[uOff + i] : y;
        }
    }

    /**
     * erf(x) in double arithmetic, the same approximation as the vector kernel: |error| &lt; 1e-9 for |x| &lt; 4;
     * from 4 on the result is ±1 (error erfc(|x|) ≤ 1.6e-8).
     */
    public static double erf(double x) {
        return SimdMath.erf(x);
    }
}
