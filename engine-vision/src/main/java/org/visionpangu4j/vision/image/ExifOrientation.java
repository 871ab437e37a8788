package org.visionpangu4j.vision.image;

import java.nio.charset.StandardCharsets;

/**
 * Finds the EXIF orientation tag (0x0112) in the raw bytes of a JPEG (APP1 "Exif"), PNG ({@code eXIf} chunk) or
 * WebP ({@code EXIF} chunk). Returns 1 (upright) when there is none or the block is malformed: a bad EXIF block
 * never makes an otherwise readable image fail.
 */
final class ExifOrientation {
    private ExifOrientation() {
    }

    static int read(byte[] d) {
        try {
            if (d.length > 4 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8) {
                return fromJpeg(d);
            }
            if (d.length > 8 && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') {
                return fromPng(d);
            }
            if (d.length > 12 && ascii(d, 0, 4).equals("RIFF") && ascii(d, 8, 4).equals("WEBP")) {
                return fromWebp(d);
            }
        } catch (IndexOutOfBoundsException e) {
            // Truncated or malformed metadata: treat as "no orientation".
        }
        return 1;
    }

    private static int fromJpeg(byte[] d) {
        int p = 2;
        while (p + 4 <= d.length && (d[p] & 0xFF) == 0xFF) {
            int marker = d[p + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                break; // metadata ends where the scan starts
            }
            int len = be16(d, p + 2);
            if (marker == 0xE1 && len >= 8 && ascii(d, p + 4, 6).equals("Exif\0\0")) {
                return fromTiff(d, p + 10, p + 2 + len);
            }
            p += 2 + len;
        }
        return 1;
    }

    private static int fromPng(byte[] d) {
        int p = 8;
        while (p + 12 <= d.length) {
            int len = be32(d, p);
            String type = ascii(d, p + 4, 4);
            if (type.equals("eXIf")) {
                return fromTiff(d, p + 8, p + 8 + len);
            }
            if (type.equals("IDAT") || len < 0) {
                break;
            }
            p += 12 + len;
        }
        return 1;
    }

    private static int fromWebp(byte[] d) {
        int p = 12;
        while (p + 8 <= d.length) {
            int len = le32(d, p + 4);
            if (len < 0) {
                break;
            }
            if (ascii(d, p, 4).equals("EXIF")) {
                int s = p + 8;
                if (ascii(d, s, 6).equals("Exif\0\0")) {
                    s += 6;
                }
                return fromTiff(d, s, p + 8 + len);
            }
            p += 8 + len + (len & 1);
        }
        return 1;
    }

    /** Orientation from a TIFF block [t, end): byte order, IFD0 entries, tag 0x0112 of type SHORT. */
    private static int fromTiff(byte[] d, int t, int end) {
        boolean le = d[t] == 'I' && d[t + 1] == 'I';
        if (!le && !(d[t] == 'M' && d[t + 1] == 'M')) {
            return 1;
        }
        int ifd = t + u32(d, t + 4, le);
        int n = u16(d, ifd, le);
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + 12 * i;
            if (e + 12 > end) {
                break;
            }
            if (u16(d, e, le) == 0x0112 && u16(d, e + 2, le) == 3) {
                int o = u16(d, e + 8, le);
                return o >= 1 && o <= 8 ? o : 1;
            }
        }
        return 1;
    }

    private static String ascii(byte[] d, int off, int n) {
        return new String(d, off, n, StandardCharsets.ISO_8859_1);
    }

    private static int be16(byte[] d, int p) {
        return (d[p] & 0xFF) << 8 | (d[p + 1] & 0xFF);
    }

    private static int be32(byte[] d, int p) {
        return be16(d, p) << 16 | be16(d, p + 2);
    }

    private static int le32(byte[] d, int p) {
        return (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8 | (d[p + 2] & 0xFF) << 16 | (d[p + 3] & 0xFF) << 24;
    }

    private static int u16(byte[] d, int p, boolean le) {
        return le ? (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8 : be16(d, p);
    }

    private static int u32(byte[] d, int p, boolean le) {
        return le ? le32(d, p) : be32(d, p);
    }
}
