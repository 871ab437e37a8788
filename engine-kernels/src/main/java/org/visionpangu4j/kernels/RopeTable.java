package org.visionpangu4j.kernels;

/**
 * Rotary embedding tables in rotate-half (NeoX) layout: element i pairs with i + headDim/2.
 * inv_freq[i] = 1/θ^(2i/headDim), computed in float as HF does; angle = pos·inv_freq[i] in float; cos/sin of it.
 */
public final class RopeTable {
    private final int headDim;
    private final int half;
    private final float[] invFreq;

    public RopeTable(int headDim, double theta) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE head dim must be even, got " + headDim);
        }
        this.headDim = headDim;
        this.half = headDim / 2;
        this.invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            // HF: 1.0 / (base ** (torch.arange(0, dim, 2, dtype=int64).float() / dim)), in float32.
            float exponent = (float) (2 * i) / (float) headDim;
            invFreq[i] = 1.0f / (float) Math.pow((float) theta, exponent);
        }
    }

    public int headDim() {
        return headDim;
    }

    /** Fills cos[half] and sin[half] for position pos. */
    public void angles(int pos, float[] cos, float[] sin) {
        for (int i = 0; i < half; i++) {
            float a = pos * invFreq[i];
            cos[i] = (float) Math.cos(a);
            sin[i] = (float) Math.sin(a);
        }
    }

    /**
     * Rotates nHeads heads of x (row x[off .. off + nHeads·headDim)) for position pos:
     * out[i] = x[i]·cos − x[i+half]·sin, out[i+half] = x[i+half]·cos + x[i]·sin.
     */
    public void apply(float[] x, int off, int nHeads, int pos) {
        float[] cos = new float[half];
        float[] sin = new float[half];
        angles(pos, cos, sin);
        for (int h = 0; h < nHeads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                float a = x[base + i];
                float b = x[base + i + half];
                x[base + i] = a * cos[i] - b * sin[i];
                x[base + i + half] = b * cos[i] + a * sin[i];
            }
        }
    }
}
