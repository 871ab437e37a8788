package org.visionpangu4j.vision.model;

/**
 * InternVL's pixel shuffle: a G×G grid of C-dim patch features becomes a (G/k)×(G/k) grid of
 * k²·C-dim tokens (k = 1/downsample_ratio, 2 for VisionPangu). Token (i, j) concatenates the k×k block it covers
 * row by row: for k = 2, [x[2i][2j] | x[2i][2j+1] | x[2i+1][2j] | x[2i+1][2j+1]].
 *
 * <p>ps_version v2 orders tokens row-major (t = i·G/k + j). v1 skips the reference's final transpose, so its tokens
 * come column-major (t = j·G/k + i) with the same channel layout.
 */
public final class PixelShuffle {
    private PixelShuffle() {
    }

    /**
     * x[tiles, lead + G·G, C] → out[tiles, (G/k)², k²·C]. Each tile's first {@code lead} tokens are skipped (1 drops
     * InternViT's CLS token), the G·G patch tokens after them are the grid, row-major.
     */
    public static float[] shuffle(float[] x, int tiles, int lead, int grid, int channels, int k, boolean v2) {
        if (grid % k != 0) {
            throw new IllegalArgumentException("patch grid " + grid + " is not divisible by the shuffle factor " + k);
        }
        int g = grid / k;
        int outDim = k * k * channels;
        float[] out = new float[tiles * g * g * outDim];
        for (int tile = 0; tile < tiles; tile++) {
            int in = tile * (lead + grid * grid) + lead;
            for (int t = 0; t < g * g; t++) {
                int outer = t / g;
                int inner = t % g;
                int i = v2 ? outer : inner; // block row
                int j = v2 ? inner : outer; // block column
                int o = (tile * g * g + t) * outDim;
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        int patch = in + (i * k + dy) * grid + (j * k + dx);
                        System.arraycopy(x, patch * channels, out, o + (dy * k + dx) * channels, channels);
                    }
                }
            }
        }
        return out;
    }
}
