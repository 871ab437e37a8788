package org.visionpangu4j.vision.preprocess;

import org.visionpangu4j.vision.image.RgbImage;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} on 8-bit RGB, reproduced to the bit.
 *
 * <p>Separable: a horizontal pass (skipped when the width does not change) into an 8-bit intermediate, then a
 * vertical pass (skipped when the height does not change); a same-size resize is a copy. Each output sample
 * o has a source window centred at {@code (o + 0.5)·scale}, with support {@code 2·max(1, scale)} (antialiasing when
 * shrinking); the Keys cubic (a = −0.5) is evaluated at {@code (i − centre + 0.5)/max(1, scale)}, weights are
 * normalised in double, then rounded half away from zero to 22-bit fixed point. A sample is
 * {@code clip8((2^21 + Σ pixel·k) >> 22)}, with int arithmetic and an arithmetic shift.
 */
public final class PillowBicubic {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private PillowBicubic() {
    }

    public static RgbImage resize(RgbImage in, int outW, int outH) {
        if (outW < 1 || outH < 1) {
            throw new IllegalArgumentException("resize target must be at least 1×1, got " + outW + "×" + outH);
        }
        byte[] px = in.rgb();
        int w = in.width();
        int h = in.height();
        if (outW != w) {
            px = horizontal(px, w, h, outW, coefficients(w, outW));
            w = outW;
        }
        if (outH != h) {
            px = vertical(px, w, h, outH, coefficients(h, outH));
            h = outH;
        }
        return new RgbImage(w, h, px == in.rgb() ? px.clone() : px);
    }

    /** Source windows and fixed-point weights for one axis: out[o] = Σ_j k[o][j]·in[start[o] + j]. */
    record Coefficients(int[] start, int[] count, int[][] k) {
    }

    static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(1.0, scale);
        double support = SUPPORT * filterScale;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        int[][] k = new int[outSize][];
        double ss = 1.0 / filterScale;
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            // C's (int) cast truncates toward zero; negative values are clamped to 0 just after.
            int min = Math.max(0, (int) (center - support + 0.5));
            int max = Math.min(inSize, (int) (center + support + 0.5)) - min;
            double[] w = new double[max];
            double sum = 0.0;
            for (int j = 0; j < max; j++) {
                w[j] = cubic((j + min - center + 0.5) * ss);
                sum += w[j];
            }
            int[] fixed = new int[max];
            for (int j = 0; j < max; j++) {
                double v = sum != 0.0 ? w[j] / sum : w[j];
                fixed[j] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            start[o] = min;
            count[o] = max;
            k[o] = fixed;
        }
        return new Coefficients(start, count, k);
    }

    /** Keys cubic convolution kernel with a = −0.5, support 2. */
    static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    // in[w, h] RGB → out[outW, h] RGB
    private static byte[] horizontal(byte[] in, int w, int h, int outW, Coefficients c) {
        byte[] out = new byte[outW * h * 3];
        for (int y = 0; y < h; y++) {
            int row = y * w * 3;
            for (int o = 0; o < outW; o++) {
                int[] k = c.k()[o];
                int base = row + c.start()[o] * 3;
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (int j = 0; j < k.length; j++) {
                    int p = base + j * 3;
                    r += (in[p] & 0xFF) * k[j];
                    g += (in[p + 1] & 0xFF) * k[j];
                    b += (in[p + 2] & 0xFF) * k[j];
                }
                int q = (y * outW + o) * 3;
                out[q] = clip8(r);
                out[q + 1] = clip8(g);
                out[q + 2] = clip8(b);
            }
        }
        return out;
    }

    // in[w, h] RGB → out[w, outH] RGB
    private static byte[] vertical(byte[] in, int w, int h, int outH, Coefficients c) {
        byte[] out = new byte[w * outH * 3];
        int stride = w * 3;
        for (int o = 0; o < outH; o++) {
            int[] k = c.k()[o];
            int base = c.start()[o] * stride;
            for (int x = 0; x < stride; x++) {
                int s = 1 << (PRECISION_BITS - 1);
                for (int j = 0; j < k.length; j++) {
                    s += (in[base + j * stride + x] & 0xFF) * k[j];
                }
                out[o * stride + x] = clip8(s);
            }
        }
        return out;
    }

    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
