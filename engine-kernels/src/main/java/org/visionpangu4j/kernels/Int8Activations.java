package org.visionpangu4j.kernels;

/**
 * An activation row quantized to int8 per block of 32 for the integer GEMV path of Q8_0/Q4_0 (ggml's
 * quantize_row_q8_0 for activations, with the scale kept in F32): d = max|x| / 127, q = roundf(x / d).
 * Buffers are zero-padded to whole blocks, so the integer kernels need no tail code. Reused between calls.
 */
final class Int8Activations {
    static final int QK = 32;
    /** The int8 quants, held widened to short so the integer kernels load them without converting. */
    short[] q = new short[0];
    float[] d = new float[0];
    int blocks;

    /** Quantizes x[off .. off+n). */
    void quantize(float[] x, int off, int n) {
        blocks = (n + QK - 1) / QK;
        if (d.length < blocks) {
            q = new short[blocks * QK];
            d = new float[blocks];
        }
        for (int b = 0; b < blocks; b++) {
            int len = Math.min(QK, n - b * QK);
            float amax = 0f;
            for (int j = 0; j < len; j++) {
                amax = Math.max(amax, Math.abs(x[off + b * QK + j]));
            }
            float db = amax / 127f;
            float id = db != 0f ? 1f / db : 0f;
            for (int j = 0; j < QK; j++) {
                int v = j < len ? Q8_0Matrix.roundHalfAway(x[off + b * QK + j] * id) : 0;
                q[b * QK + j] = (short) v;
            }
            d[b] = db;
        }
    }
}
