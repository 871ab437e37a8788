package org.visionpangu4j.vision.image;

import org.visionpangu4j.core.ImageInputException;
import java.awt.image.Raster;

/**
 * JPEG colour handling done here rather than by the ImageIO plugins, so that it matches libjpeg + Pillow exactly
 * and ignores embedded ICC profiles as Pillow does (the plugins would colour-manage them). The decoder delivers the
 * raw, upsampled components ({@code ImageReader.readRaster}); this class decides their colour space with libjpeg's
 * rules (jdapimin.c) and converts with libjpeg's integer tables (jdcolor.c), then applies Pillow's CMYK rules.
 */
final class JpegColor {
    enum Space { GREY, YCBCR, RGB, CMYK, YCCK }

    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegColor() {
    }

    private static int fix(double v) {
        return (int) (v * (1 << SCALEBITS) + 0.5);
    }

    /** libjpeg's guess of the stored colour space from the markers (the JPEG standard itself does not say). */
    static Space space(byte[] d) {
        boolean jfif = false;
        int adobe = -1;
        int p = 2;
        while (p + 4 <= d.length) {
            if ((d[p] & 0xFF) != 0xFF) {
                break;
            }
            int marker = d[p + 1] & 0xFF;
            if (marker == 0xFF) {
                p++; // fill byte
                continue;
            }
            int len = (d[p + 2] & 0xFF) << 8 | (d[p + 3] & 0xFF);
            if (marker == 0xE0 && len >= 7 && startsWith(d, p + 4, "JFIF\0")) {
                jfif = true;
            } else if (marker == 0xEE && len >= 14 && startsWith(d, p + 4, "Adobe")) {
                adobe = d[p + 4 + 11] & 0xFF;
            } else if (isSof(marker) && p + 10 <= d.length) {
                int n = d[p + 9] & 0xFF;
                return switch (n) {
                    case 1 -> Space.GREY;
                    case 3 -> {
                        if (jfif) {
                            yield Space.YCBCR;
                        }
                        if (adobe >= 0) {
                            yield adobe == 0 ? Space.RGB : Space.YCBCR;
                        }
                        boolean rgbIds = p + 10 + 3 * 3 <= d.length && d[p + 10] == 'R' && d[p + 13] == 'G' && d[p + 16] == 'B';
                        yield rgbIds ? Space.RGB : Space.YCBCR;
                    }
                    case 4 -> adobe == 0 ? Space.CMYK : adobe >= 0 ? Space.YCCK : Space.CMYK;
                    default -> throw new ImageInputException(n + "-component JPEG is not supported (1, 3 or 4)");
                };
            }
            p += 2 + len;
        }
        throw new ImageInputException("JPEG has no frame header (SOF)");
    }

    private static boolean isSof(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    private static boolean startsWith(byte[] d, int off, String s) {
        if (off + s.length() > d.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (d[off + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Raw components → RGB as libjpeg (to RGB or CMYK) followed by Pillow's convert('RGB'). */
    static byte[] toRgb(Raster r, Space space) {
        int w = r.getWidth();
        int h = r.getHeight();
        int bands = r.getNumBands();
        int need = switch (space) {
            case GREY -> 1;
            case YCBCR, RGB -> 3;
            case CMYK, YCCK -> 4;
        };
        if (bands != need) {
            throw new ImageInputException("JPEG decoder returned " + bands + " components for a " + space + " image");
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int s = x * bands;
                int o = (y * w + x) * 3;
                switch (space) {
                    case GREY -> out[o] = out[o + 1] = out[o + 2] = (byte) row[s];
                    case RGB -> {
                        out[o] = (byte) row[s];
                        out[o + 1] = (byte) row[s + 1];
                        out[o + 2] = (byte) row[s + 2];
                    }
                    case YCBCR -> yccToRgb(row[s], row[s + 1], row[s + 2], out, o);
                    case CMYK -> pillowCmyk(row[s], row[s + 1], row[s + 2], row[s + 3], out, o);
                    case YCCK -> {
                        // libjpeg ycck_cmyk_convert: CMY = 255 − RGB(YCC); K passes through.
                        int yy = row[s];
                        int cb = row[s + 1];
                        int cr = row[s + 2];
                        int c = 255 - clamp(yy + CR_R[cr]);
                        int m = 255 - clamp(yy + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
                        int ye = 255 - clamp(yy + CB_B[cb]);
                        pillowCmyk(c, m, ye, row[s + 3], out, o);
                    }
                }
            }
        }
        return out;
    }

    /** libjpeg ycc_rgb_convert. */
    static void yccToRgb(int y, int cb, int cr, byte[] out, int o) {
        out[o] = (byte) clamp(y + CR_R[cr]);
        out[o + 1] = (byte) clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
        out[o + 2] = (byte) clamp(y + CB_B[cb]);
    }

    /** Pillow reads every CMYK JPEG as Adobe-inverted ("CMYK;I"), then converts with cmyk2rgb. */
    private static void pillowCmyk(int c, int m, int y, int k, byte[] out, int o) {
        PillowRgb.cmykToRgb(255 - c, 255 - m, 255 - y, 255 - k, out, o);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
