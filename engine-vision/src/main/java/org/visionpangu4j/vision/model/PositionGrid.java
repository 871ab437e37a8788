package org.visionpangu4j.vision.model;

/**
 * Resampling of InternViT's learned position grid to another patch grid, as the reference's
 * {@code F.interpolate(mode='bicubic', align_corners=False)} computes it in float32: Keys cubic with
 * <b>a = −0.75</b> (PyTorch's choice, unlike Pillow's −0.5), source coordinate {@code (o + 0.5)·in/out − 0.5},
 * four taps with indices clamped to the border, no antialiasing, width interpolated first within each of the four
 * rows, then the rows combined.
 */
final class PositionGrid {
    private static final float A = -0.75f;

    private PositionGrid() {
    }

    /** in[inH·inW, d] (row-major grid of d-vectors) → out[outH·outW, d]. Same size returns a copy. */
    static float[] resize(float[] in, int inH, int inW, int outH, int outW, int d) {
        if (inH == outH && inW == outW) {
            return in.clone();
        }
        Taps ty = taps(inH, outH);
        Taps tx = taps(inW, outW);
        float[] out = new float[outH * outW * d];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int o = (y * outW + x) * d;
                for (int c = 0; c < d; c++) {
                    float acc = 0f;
                    for (int r = 0; r < 4; r++) {
                        int row = ty.index[y * 4 + r] * inW;
                        float t = in[(row + tx.index[x * 4]) * d + c] * tx.weight[x * 4];
                        for (int q = 1; q < 4; q++) {
                            t += in[(row + tx.index[x * 4 + q]) * d + c] * tx.weight[x * 4 + q];
                        }
                        acc = r == 0 ? t * ty.weight[y * 4] : acc + t * ty.weight[y * 4 + r];
                    }
                    out[o + c] = acc;
                }
            }
        }
        return out;
    }

    private record Taps(int[] index, float[] weight) {
    }

    /** For each output position: 4 clamped source indices and their cubic weights (float32, as ATen). */
    private static Taps taps(int in, int out) {
        float scale = (float) in / out;
        int[] index = new int[out * 4];
        float[] weight = new float[out * 4];
        for (int o = 0; o < out; o++) {
            float real = scale * (o + 0.5f) - 0.5f;
            int i0 = Math.min((int) Math.floor(real), in - 1);
            float t = Math.min(Math.max(real - i0, 0f), 1f);
            weight[o * 4] = outer(t + 1f);
            weight[o * 4 + 1] = inner(t);
            weight[o * 4 + 2] = inner(1f - t);
            weight[o * 4 + 3] = outer((1f - t) + 1f);
            for (int j = 0; j < 4; j++) {
                index[o * 4 + j] = Math.max(0, Math.min(i0 - 1 + j, in - 1));
            }
        }
        return new Taps(index, weight);
    }

    /** Keys kernel for |x| ≤ 1. */
    private static float inner(float x) {
        return ((A + 2f) * x - (A + 3f)) * x * x + 1f;
    }

    /** Keys kernel for 1 &lt; |x| &lt; 2. */
    private static float outer(float x) {
        return ((A * x - 5f * A) * x + 8f * A) * x - 4f * A;
    }
}
