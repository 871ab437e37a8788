package org.visionpangu4j.kernels;

/** Small element-wise and reduction helpers over float rows. */
public final class VectorMath {
    private VectorMath() {
    }

    /** a[aOff+i] += b[bOff+i]  (residual add). */
    public static void add(float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) {
            a[aOff + i] += b[bOff + i];
        }
    }

    /** acc[aOff+i] += s[i] · y[yOff+i]  (residual add through a layer scale). */
    public static void addScaled(float[] acc, int aOff, float[] y, int yOff, float[] s, int n) {
        for (int i = 0; i < n; i++) {
            acc[aOff + i] += s[i] * y[yOff + i];
        }
    }

    /** x[off+i] *= s. */
    public static void scale(float[] x, int off, int n, float s) {
        for (int i = off; i < off + n; i++) {
            x[i] *= s;
        }
    }

    /** Σ a[aOff+i]·b[bOff+i]. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** Numerically stable softmax in place over x[off .. off+n). */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            max = Math.max(max, x[i]);
        }
        float sum = 0f;
        for (int i = off; i < off + n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = off; i < off + n; i++) {
            x[i] *= inv;
        }
    }

    /** Index of the largest element of x[off .. off+n) (first on ties). */
    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[off + i] > x[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
