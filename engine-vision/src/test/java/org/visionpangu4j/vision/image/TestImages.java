package org.visionpangu4j.vision.image;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Builds small image files byte by byte (PNG, WebP lossless, JPEG marker surgery) and via ImageIO writers. */
final class TestImages {
    private TestImages() {
    }

    // ---- PNG -------------------------------------------------------------------------------------------------

    static byte[] chunk(String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length).order(ByteOrder.BIG_ENDIAN);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        b.putInt(data.length).put(t).put(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static byte[] ihdr(int w, int h, int bitDepth, int colorType) {
        return chunk("IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) bitDepth).put((byte) colorType)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
    }

    /** A PNG from raw (unfiltered) scanlines of rowBytes each; extra chunks go between IHDR and IDAT. */
    static byte[] png(int w, int h, int bitDepth, int colorType, byte[] raw, int rowBytes, byte[]... extra) {
        ByteArrayOutputStream filtered = new ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            filtered.write(0); // filter type None
            filtered.write(raw, y * rowBytes, rowBytes);
        }
        Deflater z = new Deflater();
        z.setInput(filtered.toByteArray());
        z.finish();
        byte[] buf = new byte[filtered.size() * 2 + 64];
        int n = z.deflate(buf);
        z.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeBytes(ihdr(w, h, bitDepth, colorType));
        for (byte[] e : extra) {
            out.writeBytes(e);
        }
        out.writeBytes(chunk("IDAT", java.util.Arrays.copyOf(buf, n)));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    // ---- WebP lossless (VP8L) ----------------------------------------------------------------------------------

    /** LSB-first bit writer, as VP8L reads. */
    private static final class Bits {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int acc;
        int n;

        void put(int value, int bits) {
            for (int i = 0; i < bits; i++) {
                acc |= ((value >> i) & 1) << n;
                if (++n == 8) {
                    out.write(acc);
                    acc = 0;
                    n = 0;
                }
            }
        }

        byte[] bytes() {
            if (n > 0) {
                out.write(acc);
            }
            return out.toByteArray();
        }
    }

    /** Simple prefix code with two 8-bit symbols lo &lt; hi (1 bit each: 0 → lo, 1 → hi). */
    private static void twoSymbols(Bits b, int lo, int hi) {
        b.put(1, 1); // simple code
        b.put(1, 1); // two symbols
        b.put(1, 1); // first symbol has 8 bits
        b.put(lo, 8);
        b.put(hi, 8);
    }

    /**
     * A lossless WebP w×h whose pixel i has R = red[sel[i]][0..1] etc.: each channel takes one of two values per
     * pixel, chosen by the bits of sel (bit 0 green, bit 1 red, bit 2 blue). Alpha is 255.
     */
    static byte[] webpLossless(int w, int h, int[] green, int[] red, int[] blue, int[] sel) {
        Bits b = new Bits();
        b.put(0x2F, 8);
        b.put(w - 1, 14);
        b.put(h - 1, 14);
        b.put(0, 1); // alpha not used
        b.put(0, 3); // version
        b.put(0, 1); // no transform
        b.put(0, 1); // no colour cache
        b.put(0, 1); // no meta prefix codes
        twoSymbols(b, green[0], green[1]);
        twoSymbols(b, red[0], red[1]);
        twoSymbols(b, blue[0], blue[1]);
        b.put(1, 1); // alpha: simple, one 8-bit symbol 255
        b.put(0, 1);
        b.put(1, 1);
        b.put(255, 8);
        b.put(1, 1); // distance: simple, one 1-bit symbol 0
        b.put(0, 1);
        b.put(0, 1);
        b.put(0, 1);
        for (int i = 0; i < w * h; i++) {
            b.put(sel[i] & 1, 1);
            b.put((sel[i] >> 1) & 1, 1);
            b.put((sel[i] >> 2) & 1, 1);
        }
        byte[] vp8l = b.bytes();
        int pad = vp8l.length & 1;
        ByteBuffer out = ByteBuffer.allocate(20 + vp8l.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.ISO_8859_1)).putInt(12 + vp8l.length + pad)
                .put("WEBP".getBytes(StandardCharsets.ISO_8859_1)).put("VP8L".getBytes(StandardCharsets.ISO_8859_1))
                .putInt(vp8l.length).put(vp8l);
        return out.array();
    }

    // ---- ImageIO writers, JPEG surgery --------------------------------------------------------------------------

    /** Encodes with the JDK's own writer for {@code format} (not a plugin's). */
    static byte[] write(RenderedImage img, String format, ImageWriteParam param) {
        ImageWriter w = jdk(ImageIO.getImageWritersByFormatName(format));
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(bos)) {
            w.setOutput(ios);
            w.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        return bos.toByteArray();
    }

    static ImageWriter jdkWriter(String format) {
        return jdk(ImageIO.getImageWritersByFormatName(format));
    }

    /** The JDK's own JPEG decoder (libjpeg 6b, colour conversion in native code). */
    static BufferedImage jdkReadJpeg(byte[] data) {
        ImageReader r = jdk(ImageIO.getImageReadersByFormatName("jpeg"));
        try {
            r.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(data)));
            return r.read(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            r.dispose();
        }
    }

    private static <T> T jdk(Iterator<T> it) {
        while (it.hasNext()) {
            T t = it.next();
            if (t.getClass().getName().startsWith("com.sun.imageio")) {
                return t;
            }
        }
        throw new IllegalStateException("no JDK ImageIO plugin found");
    }

    /** {@code jpeg} with {@code segment} inserted right after SOI. */
    static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    /** APP14 "Adobe" with the given colour transform (0 = none/CMYK, 1 = YCbCr, 2 = YCCK). */
    static byte[] adobe(int transform) {
        return new byte[] {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
    }

    /** APP1 Exif with a big-endian TIFF IFD0 holding only the orientation tag. */
    static byte[] exifOrientation(int o) {
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + 6 + 8 + 2 + 12 + 4).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + 6 + 8 + 2 + 12 + 4));
        b.put("Exif".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 0).put((byte) 0);
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        b.putShort((short) 1);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) o).putShort((short) 0);
        b.putInt(0);
        return b.array();
    }
}
