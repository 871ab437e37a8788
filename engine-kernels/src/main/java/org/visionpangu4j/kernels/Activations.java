package org.visionpangu4j.kernels;

/** Element-wise activations, in place over x[off .. off+n). */
public final class Activations {
    private Activations() {
    }

    /** Exact GELU: 0.5·x·(1 + erf(x/√2)). */
    public static void gelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1.0 + erf(v / Math.sqrt(2.0))));
        }
    }

    /** SiLU: x·sigmoid(x). */
    public static void silu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            float v = x[i];
            x[i] = v / (1f + (float) Math.exp(-v));
        }
    }

    /** SwiGLU: gate[i] = silu(gate[i]) · up[i]. */
    public static void swiglu(float[] gate, int gOff, float[] up, int uOff, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[gOff + i];
            gate[gOff + i] = g / (1f + (float) Math.exp(-g)) * up[uOff + i];
        }
    }

    /** erf in double precision (Numerical Recipes erfc Chebyshev fit, |error| &lt; 1.2e-7). */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - ans : ans - 1.0;
    }
}
