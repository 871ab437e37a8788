package org.visionpangu4j.vision.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * Decoded samples → 8-bit RGB, as Pillow's {@code Image.convert('RGB')} would produce them from the same file.
 * Reads raw raster samples (never {@code BufferedImage.getRGB}, which applies colour management, e.g. a linear-grey
 * gamma). Rules, from Pillow's PngImagePlugin, Unpack.c and Convert.c:
 * <ul>
 *   <li>alpha is dropped as is (no compositing onto a background);</li>
 *   <li>palette images take the palette's RGB; grey is replicated to R = G = B;</li>
 *   <li>fewer than 8 bits: {@code v·255 / (2^bits − 1)}, truncated (Pillow's L;2/L;4 and BGR;15/BGR;16 unpackers);</li>
 *   <li>16-bit colour or grey+alpha: the high byte, {@code v >> 8} (Pillow unpacks RGB;16B, RGBA;16B, LA;16B so);</li>
 *   <li>16-bit grey without alpha: Pillow opens it as mode I;16, whose conversion to RGB clamps:
 *       {@code min(v, 255)} (Convert.c {@code I16_RGB}) — so most 16-bit grey images turn white, as in Pillow;</li>
 *   <li>CMYK (0 = no ink): {@code nk = 255 − K; R = nk − C·nk/255} with Pillow's rounded {@code MULDIV255}.</li>
 * </ul>
 * Other colour spaces fall back to Java's colour conversion to sRGB (no Pillow reference exists for them).
 */
final class PillowRgb {
    private PillowRgb() {
    }

    static byte[] convert(BufferedImage img) {
        return convert(img, false);
    }

    /**
     * @param greyIsI16 the image is a PNG of colour type 0 (grey): Pillow opens a 16-bit one as I;16 and clamps
     *                  even when a tRNS chunk made ImageIO add an alpha channel
     */
    static byte[] convert(BufferedImage img, boolean greyIsI16) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        if (cm instanceof IndexColorModel icm) {
            indexed(r, icm, w, h, out);
            return out;
        }
        int nc = cm.getNumColorComponents();
        int csType = cm.getColorSpace().getType();
        boolean grey = nc == 1 && csType == ColorSpace.TYPE_GRAY;
        boolean rgb = nc == 3 && csType == ColorSpace.TYPE_RGB;
        boolean cmyk = nc == 4 && csType == ColorSpace.TYPE_CMYK;
        if (!grey && !rgb && !cmyk) {
            managed(img, w, h, out);
            return out;
        }
        if ((grey || rgb) && interleavedBytes(r, nc, w, h, out)) {
            return out;
        }
        int[] bits = r.getSampleModel().getSampleSize();
        int bands = r.getNumBands();
        int[] row = new int[w * bands];
        int[] s = new int[4];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < nc; c++) {
                    s[c] = to8(row[x * bands + c], bits[c], grey && (greyIsI16 || !cm.hasAlpha()));
                }
                int o = (y * w + x) * 3;
                if (grey) {
                    out[o] = out[o + 1] = out[o + 2] = (byte) s[0];
                } else if (rgb) {
                    out[o] = (byte) s[0];
                    out[o + 1] = (byte) s[1];
                    out[o + 2] = (byte) s[2];
                } else {
                    cmykToRgb(s[0], s[1], s[2], s[3], out, o);
                }
            }
        }
        return out;
    }

    /** One sample of {@code bits} bits → 0..255 by Pillow's rule for that depth (see class comment). */
    static int to8(int v, int bits, boolean lonelyGrey) {
        if (bits == 8) {
            return v;
        }
        if (bits < 8) {
            return v * 255 / ((1 << bits) - 1);
        }
        if (bits == 16 && lonelyGrey) {
            return Math.min(v, 255);
        }
        return v >>> (bits - 8);
    }

    /** Pillow's cmyk2rgb: nk = 255 − k; channel = clip(nk − MULDIV255(ink, nk)). */
    static void cmykToRgb(int c, int m, int y, int k, byte[] out, int o) {
        int nk = 255 - k;
        out[o] = (byte) clip8(nk - mulDiv255(c, nk));
        out[o + 1] = (byte) clip8(nk - mulDiv255(m, nk));
        out[o + 2] = (byte) clip8(nk - mulDiv255(y, nk));
    }

    /** a·b/255 rounded, the way Pillow's MULDIV255 macro computes it. */
    static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static void indexed(Raster r, IndexColorModel icm, int w, int h, byte[] out) {
        int size = icm.getMapSize();
        byte[] pr = new byte[size];
        byte[] pg = new byte[size];
        byte[] pb = new byte[size];
        icm.getReds(pr);
        icm.getGreens(pg);
        icm.getBlues(pb);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                // An index past the palette reads as black, as Pillow's zero-filled 256-entry palette does.
                int i = row[x];
                int o = (y * w + x) * 3;
                if (i < size) {
                    out[o] = pr[i];
                    out[o + 1] = pg[i];
                    out[o + 2] = pb[i];
                }
            }
        }
    }

    /** Fast path for 8-bit pixel-interleaved byte rasters (TYPE_3BYTE_BGR, TYPE_4BYTE_ABGR, TYPE_BYTE_GRAY, …). */
    private static boolean interleavedBytes(Raster r, int nc, int w, int h, byte[] out) {
        if (!(r.getSampleModel() instanceof PixelInterleavedSampleModel sm)
                || !(r.getDataBuffer() instanceof DataBufferByte db) || db.getNumBanks() != 1) {
            return false;
        }
        for (int b = 0; b < sm.getNumBands(); b++) {
            if (sm.getSampleSize(b) != 8) {
                return false;
            }
        }
        byte[] data = db.getData();
        int[] off = sm.getBandOffsets();
        int ps = sm.getPixelStride();
        int ss = sm.getScanlineStride();
        int base = db.getOffset() - r.getSampleModelTranslateY() * ss - r.getSampleModelTranslateX() * ps;
        for (int y = 0; y < h; y++) {
            int p = base + y * ss;
            int o = y * w * 3;
            for (int x = 0; x < w; x++, p += ps, o += 3) {
                if (nc == 1) {
                    out[o] = out[o + 1] = out[o + 2] = data[p + off[0]];
                } else {
                    out[o] = data[p + off[0]];
                    out[o + 1] = data[p + off[1]];
                    out[o + 2] = data[p + off[2]];
                }
            }
        }
        return true;
    }

    private static void managed(BufferedImage img, int w, int h, byte[] out) {
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                out[o] = (byte) (row[x] >> 16);
                out[o + 1] = (byte) (row[x] >> 8);
                out[o + 2] = (byte) row[x];
            }
        }
    }
}
