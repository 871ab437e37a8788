package org.visionpangu4j.bench.e2e;

import org.visionpangu4j.vision.preprocess.ImagePreprocessor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic photo-like test image (colour gradients plus pixel noise), JPEG-encoded, sized so that the
 * model's tiling gives an asked-for number of tiles: one tile for a square tile-sized image, otherwise a grid of
 * cols×rows = tiles − 1 plus the thumbnail (e.g. 1344×896 → 3×2 + 1 = 7 at 448 px tiles).
 */
public final class SyntheticImage {
    private SyntheticImage() {
    }

    /** JPEG bytes of an image that {@code pre} cuts into exactly {@code tiles} tiles. */
    public static byte[] jpeg(ImagePreprocessor pre, int tiles) {
        int[] wh = size(pre, tiles);
        return encode(wh[0], wh[1]);
    }

    /** {width, height} of an image with {@code tiles} tiles; a clear error when the tiling cannot give that many. */
    static int[] size(ImagePreprocessor pre, int tiles) {
        int[] wh = find(pre, tiles);
        if (wh == null) {
            throw new IllegalArgumentException("--tiles: no image gives " + tiles + " tiles with this model's tiling "
                    + "(up to " + pre.maxTiles() + " tiles + thumbnail); possible: " + possible(pre));
        }
        return wh;
    }

    /** As {@link #size}, or null. */
    private static int[] find(ImagePreprocessor pre, int tiles) {
        int s = pre.tileSize();
        if (tiles == 1 && pre.tileCount(s, s) == 1) {
            return new int[]{s, s};
        }
        // Grids as square as possible, landscape (cols ≥ rows, like most photos), then any; each candidate is
        // checked against the real chooser.
        for (int rows = (int) Math.sqrt(tiles - 1); rows >= 1; rows--) {
            int cols = (tiles - 1) / rows;
            if (cols * rows == tiles - 1 && pre.tileCount(cols * s, rows * s) == tiles) {
                return new int[]{cols * s, rows * s};
            }
        }
        for (int cols = 1; cols <= tiles - 1; cols++) {
            int rows = (tiles - 1) / cols;
            if (cols * rows == tiles - 1 && pre.tileCount(cols * s, rows * s) == tiles) {
                return new int[]{cols * s, rows * s};
            }
        }
        return null;
    }

    private static String possible(ImagePreprocessor pre) {
        List<Integer> ok = new ArrayList<>();
        for (int t = 1; t <= pre.maxTiles() + 1; t++) {
            if (find(pre, t) != null) {
                ok.add(t);
            }
        }
        return ok.toString().replaceAll("[\\[\\]]", "");
    }

    static byte[] encode(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int noise = (int) (mix((long) y * w + x) & 31) - 16;
                int r = clamp(255 * x / w + noise);
                int g = clamp(255 * y / h - noise);
                int b = clamp(128 + 127 * (x - y) / (w + h) + noise / 2);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "jpeg", out)) {
                throw new IllegalStateException("no JPEG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** SplitMix64's finaliser: a well-mixed hash of the pixel index. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
