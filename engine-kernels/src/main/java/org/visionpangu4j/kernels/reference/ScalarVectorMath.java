package org.visionpangu4j.kernels.reference;

/** Scalar twin of {@link org.visionpangu4j.kernels.VectorMath}. */
public final class ScalarVectorMath {
    private ScalarVectorMath() {
    }

    /** a[aOff+i] += b[bOff+i]. */
    public static void add(float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) {
            a[aOff + i] += b[bOff + i];
        }
    }

    /** acc[aOff+i] += s[i] · y[yOff+i]. */
    public static void addScaled(float[] acc, int aOff, float[] y, int yOff, float[] s, int n) {
        for (int i = 0; i < n; i++) {
            acc[aOff + i] += s[i] * y[yOff + i];
        }
    }

    /** acc[aOff+i] += s · y[yOff+i]. */
    public static void addScaled(float[] acc, int aOff, float[] y, int yOff, float s, int n) {
        for (int i = 0; i < n; i++) {
            acc[aOff + i] += s * y[yOff + i];
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

    /** Largest element of x[off .. off+n) (−Inf for n = 0; NaN if any element is NaN). */
    public static float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    /** Numerically stable softmax in place over x[off .. off+n). */
    public static void softmax(float[] x, int off, int n) {
        float max = max(x, off, n);
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

    /**
     * One step of streaming softmax. state = {m, l} (running max and running Σ exp(s − m); start with {−Inf, 0}).
     * Turns the block s[off .. off+n) into p = exp(s − m'), with m' the new running max, updates state and returns
     * alpha = exp(m − m') by which earlier partial results must be rescaled. If every score seen so far is −Inf,
     * the block becomes zeros and alpha = 1.
     */
    public static float softmaxOnline(float[] s, int off, int n, float[] state, int stateOff) {
        float mOld = state[stateOff];
        float m = Math.max(mOld, max(s, off, n));
        if (m == Float.NEGATIVE_INFINITY) {
            for (int i = off; i < off + n; i++) {
                s[i] = 0f;
            }
            return 1f;
        }
        float alpha = (float) Math.exp(mOld - m);
        float sum = 0f;
        for (int i = off; i < off + n; i++) {
            float e = (float) Math.exp(s[i] - m);
            s[i] = e;
            sum += e;
        }
        state[stateOff] = m;
        state[stateOff + 1] = state[stateOff + 1] * alpha + sum;
        return alpha;
    }

    /** Index of the largest element of x[off .. off+n) (first on ties; NaN elements are never chosen over others). */
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
