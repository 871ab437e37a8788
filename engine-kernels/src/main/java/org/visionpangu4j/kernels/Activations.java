package org.visionpangu4j.kernels;

import static org.visionpangu4j.kernels.SimdMath.D;
import static org.visionpangu4j.kernels.SimdMath.F;
import static org.visionpangu4j.kernels.SimdMath.FH;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise activations, in place over x[off .. off+n). Scalar twin: {@code reference.ScalarActivations}.
 *
 * <p>GELU and erf are evaluated in double lanes (half as many per vector) so that the float result is within
 * ½ ulp + 1e-9 of the true value (|error| ≤ 3.1e-8 for erf over the whole float range), whatever the width.
 */
public final class Activations {
    private static final double INV_SQRT2 = 0.7071067811865476;

    private Activations() {
    }

    /**
     * Exact GELU: 0.5·x·(1 + erf(x/√2)) (PyTorch's default, not the tanh approximation; −Inf gives NaN as there).
     * |error| ≤ ½ ulp + 1e-9·|x| where |x/√2| &lt; 4; below x = −4√2 the result is −0 (true value ≥ −4.4e-8 there;
     * PyTorch's float erf saturates earlier still).
     */
    public static void gelu(float[] x, int off, int n) {
        int i = 0;
        for (int bound = FH.loopBound(n); i < bound; i += FH.length()) {
            gelu(FloatVector.fromArray(FH, x, off + i)).intoArray(x, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = FH.indexInRange(i, n);
            gelu(FloatVector.fromArray(FH, x, off + i, m)).intoArray(x, off + i, m);
        }
    }

    private static FloatVector gelu(FloatVector xh) {
        DoubleVector v = (DoubleVector) xh.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector y = SimdMath.erf(v.mul(INV_SQRT2)).add(1.0).mul(v).mul(0.5);
        return (FloatVector) y.convertShape(VectorOperators.D2F, FH, 0);
    }

    /** erf of each element of x[off .. off+n), in place (|error| ≤ 3.1e-8 over the whole float range). */
    public static void erf(float[] x, int off, int n) {
        int i = 0;
        for (int bound = FH.loopBound(n); i < bound; i += FH.length()) {
            erf(FloatVector.fromArray(FH, x, off + i)).intoArray(x, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = FH.indexInRange(i, n);
            erf(FloatVector.fromArray(FH, x, off + i, m)).intoArray(x, off + i, m);
        }
    }

    private static FloatVector erf(FloatVector xh) {
        DoubleVector v = (DoubleVector) xh.convertShape(VectorOperators.F2D, D, 0);
        return (FloatVector) SimdMath.erf(v).convertShape(VectorOperators.D2F, FH, 0);
    }

    /** SiLU: x·sigmoid(x) = x / (1 + e^−x), as PyTorch computes it. */
    public static void silu(float[] x, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            silu(v).intoArray(x, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            silu(FloatVector.fromArray(F, x, off + i, m)).intoArray(x, off + i, m);
        }
    }

    private static FloatVector silu(FloatVector v) {
        return v.div(SimdMath.exp(v.neg()).add(1f));
    }

    /** SwiGLU: gate[i] = silu(gate[i]) · up[i]. */
    public static void swiglu(float[] gate, int gOff, float[] up, int uOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, gate, gOff + i);
            FloatVector u = FloatVector.fromArray(F, up, uOff + i);
            silu(g).mul(u).intoArray(gate, gOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector g = FloatVector.fromArray(F, gate, gOff + i, m);
            FloatVector u = FloatVector.fromArray(F, up, uOff + i, m);
            silu(g).mul(u).intoArray(gate, gOff + i, m);
        }
    }

    /**
     * erf(x) in double arithmetic with the same approximation as the vector kernel: |error| &lt; 1e-9 for |x| &lt; 4;
     * from 4 on the result is ±1 (error erfc(|x|) ≤ 1.6e-8).
     */
    public static double erf(double x) {
        return SimdMath.erf(x);
    }
}
