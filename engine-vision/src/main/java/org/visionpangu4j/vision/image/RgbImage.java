package org.visionpangu4j.vision.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An 8-bit RGB image: {@code rgb[(y·width + x)·3 + c]}, row-major, channels R, G, B (what Pillow's
 * {@code convert('RGB')} holds). The array is owned by this object; callers must not modify it.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "×" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("rgb has " + rgb.length + " bytes, expected " + width + "·" + height + "·3");
        }
    }

    /** Channel c (0 = R) of pixel (x, y) as 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** SHA-256 over the row-major R,G,B bytes, lower-case hex (the fixture manifest's {@code decoded_rgb_sha256}). */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rgb));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * This image transposed as EXIF orientation {@code o} (1–8) asks, exactly like Pillow's
     * {@code ImageOps.exif_transpose}: 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise,
     * 7 transverse, 8 rotate 90° counter-clockwise. 1 and unknown values return this image.
     */
    public RgbImage orient(int o) {
        if (o < 2 || o > 8) {
            return this;
        }
        boolean swap = o >= 5;
        int ow = swap ? height : width;
        int oh = swap ? width : height;
        byte[] out = new byte[rgb.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // (sx, sy): the source pixel that lands on (x, y).
                int sx;
                int sy;
                switch (o) {
                    case 2 -> { sx = width - 1 - x; sy = y; }
                    case 3 -> { sx = width - 1 - x; sy = height - 1 - y; }
                    case 4 -> { sx = x; sy = height - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = height - 1 - x; }
                    case 7 -> { sx = width - 1 - y; sy = height - 1 - x; }
                    default -> { sx = width - 1 - y; sy = x; }
                }
                System.arraycopy(rgb, (sy * width + sx) * 3, out, (y * ow + x) * 3, 3);
            }
        }
        return new RgbImage(ow, oh, out);
    }
}
