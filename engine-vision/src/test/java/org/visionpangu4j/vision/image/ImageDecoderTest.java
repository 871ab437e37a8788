package org.visionpangu4j.vision.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ImageInputException;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.vision.Fixtures;

import javax.imageio.ImageWriteParam;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    private final ImageDecoder dec = new ImageDecoder();

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int[] px(RgbImage im, int x, int y) {
        return new int[] {im.get(x, y, 0), im.get(x, y, 1), im.get(x, y, 2)};
    }

    // ---- formats and Pillow's convert('RGB') rules ---------------------------------------------------------------

    @Test
    void png8BitRgbIsExact() {
        byte[] rgb = randomBytes(7 * 5 * 3, 1);
        RgbImage im = dec.decode(TestImages.png(7, 5, 8, 2, rgb, 21));
        assertEquals(7, im.width());
        assertEquals(5, im.height());
        assertArrayEquals(rgb, im.rgb());
    }

    @Test
    void pngAlphaIsDroppedWithoutCompositing() {
        byte[] rgba = randomBytes(6 * 4 * 4, 2);
        for (int i = 0; i < 24; i += 3) {
            rgba[i * 4 + 3] = 0; // fully transparent pixels keep their colour
        }
        RgbImage im = dec.decode(TestImages.png(6, 4, 8, 6, rgba, 24));
        for (int i = 0; i < 24; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(rgba[i * 4 + c], im.rgb()[i * 3 + c], "pixel " + i + " channel " + c);
            }
        }
    }

    @Test
    void greyIsReplicated() {
        byte[] grey = randomBytes(5 * 3, 3);
        RgbImage im = dec.decode(TestImages.png(5, 3, 8, 0, grey, 5));
        byte[] ga = randomBytes(5 * 3 * 2, 4);
        RgbImage im2 = dec.decode(TestImages.png(5, 3, 8, 4, ga, 10));
        for (int i = 0; i < 15; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(grey[i], im.rgb()[i * 3 + c]);
                assertEquals(ga[i * 2], im2.rgb()[i * 3 + c]);
            }
        }
    }

    @Test
    void lowBitGreyIsScaledLikePillow() {
        // 2-bit grey, one row 0,1,2,3 → Pillow's L;2 unpacker gives 0, 85, 170, 255.
        RgbImage im = dec.decode(TestImages.png(4, 1, 2, 0, new byte[] {0b00_01_10_11}, 1));
        assertArrayEquals(new int[] {0, 85, 170, 255}, new int[] {im.get(0, 0, 0), im.get(1, 0, 0), im.get(2, 0, 1), im.get(3, 0, 2)});
    }

    @Test
    void paletteIsExpanded() {
        byte[] plte = {10, 20, 30, (byte) 200, 100, 0, 1, 2, 3};
        byte[] trns = {0}; // index 0 transparent: convert('RGB') still shows its palette colour
        RgbImage im = dec.decode(TestImages.png(3, 1, 8, 3, new byte[] {2, 0, 1}, 3,
                TestImages.chunk("PLTE", plte), TestImages.chunk("tRNS", trns)));
        assertArrayEquals(new int[] {1, 2, 3}, px(im, 0, 0));
        assertArrayEquals(new int[] {10, 20, 30}, px(im, 1, 0));
        assertArrayEquals(new int[] {200, 100, 0}, px(im, 2, 0));
    }

    @Test
    void sixteenBitColourKeepsTheHighByte() {
        // Pillow unpacks RGB;16B by taking the first (high) byte: 0x12FF → 0x12, not rounded to 0x13.
        byte[] raw = {0x12, (byte) 0xFF, (byte) 0xAB, 0x00, 0x00, (byte) 0x80};
        RgbImage im = dec.decode(TestImages.png(1, 1, 16, 2, raw, 6));
        assertArrayEquals(new int[] {0x12, 0xAB, 0x00}, px(im, 0, 0));
        // 16-bit grey+alpha (LA;16B) likewise.
        RgbImage la = dec.decode(TestImages.png(1, 1, 16, 4, new byte[] {0x7F, (byte) 0xFF, 0, 0}, 4));
        assertArrayEquals(new int[] {0x7F, 0x7F, 0x7F}, px(la, 0, 0));
    }

    @Test
    void sixteenBitGreyClampsLikePillowI16() {
        // Pillow opens 16-bit grey as I;16 and its RGB conversion clamps at 255 (Convert.c I16_RGB).
        byte[] raw = {0, 100, 0x01, 0x2C, (byte) 0xFF, (byte) 0xFF}; // 100, 300, 65535
        RgbImage im = dec.decode(TestImages.png(3, 1, 16, 0, raw, 6));
        assertArrayEquals(new int[] {100, 255, 255}, new int[] {im.get(0, 0, 0), im.get(1, 0, 1), im.get(2, 0, 2)});
        // With a tRNS chunk ImageIO adds alpha, but Pillow still holds I;16 (transparency is only metadata).
        RgbImage trns = dec.decode(TestImages.png(3, 1, 16, 0, raw, 6, TestImages.chunk("tRNS", new byte[] {0, 100})));
        assertArrayEquals(new int[] {100, 255, 255}, new int[] {trns.get(0, 0, 0), trns.get(1, 0, 1), trns.get(2, 0, 2)});
    }

    private static BufferedImage smooth(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) * 127 / (w + h) + 64));
            }
        }
        return img;
    }

    private static byte[] rgbOf(BufferedImage img) {
        byte[] out = new byte[img.getWidth() * img.getHeight() * 3];
        int[] p = new int[3];
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.getRaster().getPixel(x, y, p);
                for (int c = 0; c < 3; c++) {
                    out[(y * img.getWidth() + x) * 3 + c] = (byte) p[c];
                }
            }
        }
        return out;
    }

    @Test
    void jpegYCbCrConversionMatchesLibjpegBaselineAndProgressive() {
        BufferedImage src = smooth(61, 37, BufferedImage.TYPE_3BYTE_BGR);
        byte[] baseline = TestImages.write(src, "jpeg", null);
        ImageWriteParam p = TestImages.jdkWriter("jpeg").getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        byte[] progressive = TestImages.write(src, "jpeg", p);
        // libjpeg's own colour conversion (the JDK reader converts in native code) is the reference here.
        byte[] want = rgbOf(TestImages.jdkReadJpeg(baseline));
        assertArrayEquals(want, dec.decode(baseline).rgb(), "baseline");
        assertArrayEquals(want, dec.decode(progressive).rgb(), "progressive: same coefficients, same pixels");
    }

    @Test
    void greyJpegIsReplicated() {
        BufferedImage src = smooth(20, 10, BufferedImage.TYPE_BYTE_GRAY);
        byte[] jpg = TestImages.write(src, "jpeg", null);
        BufferedImage ref = TestImages.jdkReadJpeg(jpg);
        RgbImage im = dec.decode(jpg);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) {
                int g = ref.getRaster().getSample(x, y, 0);
                assertArrayEquals(new int[] {g, g, g}, px(im, x, y));
            }
        }
    }

    /** A 16×16 four-channel JPEG at quality 1.0 whose 8×8 blocks are uniform (so they decode exactly). */
    private static byte[] fourChannelJpeg(int[][] blockValues, byte[] appSegment) {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                r.setPixel(x, y, blockValues[(y / 8) * 2 + x / 8]);
            }
        }
        ImageWriteParam p = TestImages.jdkWriter("jpeg").getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(1f);
        javax.imageio.ImageWriter w = TestImages.jdkWriter("jpeg");
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream ios = javax.imageio.ImageIO.createImageOutputStream(bos)) {
            w.setOutput(ios);
            w.write(null, new javax.imageio.IIOImage(r, null, null), p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return TestImages.insertAfterSoi(bos.toByteArray(), appSegment);
    }

    @Test
    void cmykJpegFollowsPillowsInvertedCmykConversion() {
        // Stored (200,100,50,30): Pillow reads CMYK;I → (55,155,205,225); nk = 30;
        // R = 30 − MULDIV255(55, 30) = 24, G = 30 − MULDIV255(155, 30) = 12, B = 30 − MULDIV255(205, 30) = 6.
        int[][] blocks = {{200, 100, 50, 30}, {0, 0, 50, 30}, {255, 255, 255, 255}, {0, 0, 0, 0}};
        RgbImage im = dec.decode(fourChannelJpeg(blocks, TestImages.adobe(0)));
        assertArrayEquals(new int[] {24, 12, 6}, px(im, 3, 3));
        assertArrayEquals(new int[] {0, 0, 6}, px(im, 12, 3));
        assertArrayEquals(new int[] {255, 255, 255}, px(im, 3, 12)); // stored 255 = no ink under Adobe inversion
        assertArrayEquals(new int[] {0, 0, 0}, px(im, 12, 12));
    }

    @Test
    void ycckJpegIsConvertedLikeLibjpegThenPillow() {
        // Stored YCCK (128,128,128,30): YCC → RGB (128,128,128) → CMY = 127 each, K = 30; Pillow inverts to
        // (128,128,128,225): nk = 30, each channel 30 − MULDIV255(128, 30) = 15.
        int[][] blocks = {{128, 128, 128, 30}, {128, 128, 128, 30}, {128, 128, 128, 30}, {128, 128, 128, 30}};
        RgbImage im = dec.decode(fourChannelJpeg(blocks, TestImages.adobe(2)));
        assertArrayEquals(new int[] {15, 15, 15}, px(im, 5, 5));
    }

    @Test
    void bmpAndGifDecodeExactly() {
        BufferedImage src = smooth(9, 7, BufferedImage.TYPE_3BYTE_BGR);
        assertArrayEquals(rgbOf(src), dec.decode(TestImages.write(src, "bmp", null)).rgb(), "24-bit BMP");

        byte[] r = {0, (byte) 250, 17, 99};
        byte[] g = {0, 5, (byte) 200, 99};
        byte[] b = {0, 60, 33, (byte) 255};
        BufferedImage idx = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        byte[] pixels = ((DataBufferByte) idx.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < 8; i++) {
            idx.getRaster().setSample(i % 4, i / 4, 0, (i * 3) % 4);
        }
        assertTrue(pixels.length > 0);
        // Written non-interlaced: the JDK GIF reader mis-deinterlaces interlaced images only 2–4 rows high.
        ImageWriteParam flat = TestImages.jdkWriter("gif").getDefaultWriteParam();
        flat.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
        RgbImage gif = dec.decode(TestImages.write(idx, "gif", flat));
        for (int i = 0; i < 8; i++) {
            int k = (i * 3) % 4;
            assertArrayEquals(new int[] {r[k] & 0xFF, g[k] & 0xFF, b[k] & 0xFF}, px(gif, i % 4, i / 4), "GIF pixel " + i);
        }
    }

    @Test
    void bmp565ScalesLikePillowBgr16() {
        BufferedImage src = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_565_RGB);
        short[] d = ((java.awt.image.DataBufferUShort) src.getRaster().getDataBuffer()).getData();
        d[0] = (short) (17 << 11 | 40 << 5 | 3);
        d[1] = (short) (31 << 11 | 63 << 5 | 0);
        RgbImage im = dec.decode(TestImages.write(src, "bmp", null));
        // v·255/max truncated: 17·255/31 = 139 (Java's colour model would round to 140), 40·255/63 = 161, 3·255/31 = 24.
        assertArrayEquals(new int[] {139, 161, 24}, px(im, 0, 0));
        assertArrayEquals(new int[] {255, 255, 0}, px(im, 1, 0));
    }

    @Test
    void losslessWebpDecodesExactly() {
        int[] green = {10, 200};
        int[] red = {3, 250};
        int[] blue = {77, 78};
        int[] sel = {0, 1, 2, 3, 4, 5, 6, 7};
        RgbImage im = dec.decode(TestImages.webpLossless(4, 2, green, red, blue, sel));
        assertEquals(4, im.width());
        assertEquals(2, im.height());
        for (int i = 0; i < 8; i++) {
            int[] want = {red[(sel[i] >> 1) & 1], green[sel[i] & 1], blue[(sel[i] >> 2) & 1]};
            assertArrayEquals(want, px(im, i % 4, i / 4), "pixel " + i);
        }
    }

    @Test
    void everyInputKindGivesTheSameImage(@TempDir Path tmp) throws Exception {
        Path file = Fixtures.dir().resolve("images/landscape_shapes.png");
        byte[] data = Files.readAllBytes(file);
        RgbImage a = dec.decode(file);
        assertArrayEquals(a.rgb(), dec.decode(data).rgb());
        assertArrayEquals(a.rgb(), dec.decode(new ByteArrayInputStream(data)).rgb());
        BufferedImage bi = new BufferedImage(a.width(), a.height(), BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                bi.getRaster().setPixel(x, y, px(a, x, y));
            }
        }
        assertArrayEquals(a.rgb(), dec.decode(bi).rgb());
    }

    // ---- EXIF orientation ---------------------------------------------------------------------------------------

    @Test
    void exifOrientationIsIgnoredByDefaultAndAppliedOnRequest() {
        byte[] jpg = TestImages.insertAfterSoi(TestImages.write(smooth(24, 16, BufferedImage.TYPE_3BYTE_BGR), "jpeg", null),
                TestImages.exifOrientation(6));
        RgbImage plain = dec.decode(jpg);
        assertEquals(24, plain.width());
        RgbImage turned = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, true).decode(jpg);
        assertEquals(16, turned.width());
        assertEquals(24, turned.height());
        assertArrayEquals(plain.orient(6).rgb(), turned.rgb());
        assertEquals(6, ExifOrientation.read(jpg));
    }

    @Test
    void orientationsMatchPillowTransposes() {
        // 3×2 image, pixel value encodes (x, y) as 10·x + y in every channel.
        byte[] rgb = new byte[18];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                Arrays.fill(rgb, (y * 3 + x) * 3, (y * 3 + x) * 3 + 3, (byte) (10 * x + y));
            }
        }
        RgbImage im = new RgbImage(3, 2, rgb);
        // Expected rows (value = 10·srcX + srcY) for each orientation.
        int[][][] want = {
            {{0, 10, 20}, {1, 11, 21}},          // 1
            {{20, 10, 0}, {21, 11, 1}},          // 2 mirror
            {{21, 11, 1}, {20, 10, 0}},          // 3 rotate 180
            {{1, 11, 21}, {0, 10, 20}},          // 4 flip
            {{0, 1}, {10, 11}, {20, 21}},        // 5 transpose
            {{1, 0}, {11, 10}, {21, 20}},        // 6 rotate 90° clockwise
            {{21, 20}, {11, 10}, {1, 0}},        // 7 transverse
            {{20, 21}, {10, 11}, {0, 1}},        // 8 rotate 90° counter-clockwise
        };
        for (int o = 1; o <= 8; o++) {
            RgbImage t = im.orient(o);
            int[][] w = want[o - 1];
            assertEquals(w.length, t.height(), "orientation " + o);
            for (int y = 0; y < w.length; y++) {
                for (int x = 0; x < w[y].length; x++) {
                    assertEquals(w[y][x], t.get(x, y, 1), "orientation " + o + " at " + x + "," + y);
                }
            }
        }
    }

    // ---- bad input ----------------------------------------------------------------------------------------------

    private static String rejected(Runnable r) {
        ImageInputException e = assertThrows(ImageInputException.class, r::run);
        assertTrue(e instanceof VisionPanguException);
        return e.getMessage();
    }

    @Test
    void truncatedPngIsRejected() throws Exception {
        byte[] png = Files.readAllBytes(Fixtures.dir().resolve("images/landscape_shapes.png"));
        String m = rejected(() -> dec.decode(Arrays.copyOf(png, png.length / 2), "half.png"));
        assertTrue(m.startsWith("half.png: PNG") && m.contains("truncated"), m);
    }

    @Test
    void truncatedJpegIsRejected() throws Exception {
        byte[] jpg = Files.readAllBytes(Fixtures.dir().resolve("images/photo_board.jpg"));
        String m = rejected(() -> dec.decode(Arrays.copyOf(jpg, jpg.length / 2), "half.jpg"));
        assertTrue(m.startsWith("half.jpg: JPEG") && m.contains("truncated"), m);
        String header = rejected(() -> dec.decode(Arrays.copyOf(jpg, 300), "head.jpg"));
        assertTrue(header.startsWith("head.jpg: JPEG header"), header);
    }

    @Test
    void hugePngHeaderFailsFastWithoutDecoding() {
        // A valid signature + IHDR (with correct CRC) claiming 100000×100000 RGB, and no pixel data at all: had the
        // decoder tried to allocate or read the raster, it would fail differently (out of memory, or truncated).
        byte[] png = new byte[8 + 25];
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, 0, png, 0, 8);
        System.arraycopy(TestImages.ihdr(100_000, 100_000, 8, 2), 0, png, 8, 25);
        String m = rejected(() -> dec.decode(png, "bomb.png"));
        assertTrue(m.contains("100000×100000") && m.contains("10000000000 pixels") && m.contains("pixel budget"), m);
    }

    @Test
    void pixelBudgetIsConfigurable() {
        ImageDecoder small = new ImageDecoder(100, false);
        assertEquals(100, small.decode(TestImages.png(10, 10, 8, 0, new byte[100], 10)).rgb().length / 3);
        String m = rejected(() -> small.decode(TestImages.png(11, 10, 8, 0, new byte[110], 11)));
        assertTrue(m.contains("110 pixels, above the pixel budget of 100"), m);
    }

    @Test
    void zeroByteFileIsRejected(@TempDir Path tmp) throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.png"));
        String m = rejected(() -> dec.decode(empty));
        assertTrue(m.contains("empty.png") && m.contains("empty"), m);
    }

    @Test
    void nonImageIsRejected(@TempDir Path tmp) throws Exception {
        Path txt = Files.writeString(tmp.resolve("notes.png"), "this is not an image\n", StandardCharsets.UTF_8);
        String m = rejected(() -> dec.decode(txt));
        assertTrue(m.contains("notes.png") && m.contains("unknown or unsupported image format"), m);
    }

    @Test
    void zeroSizeAndCorruptPngsAreRejected() {
        String zero = rejected(() -> dec.decode(zeroWidth(), "zero.png"));
        assertTrue(zero.startsWith("zero.png"), zero);
        byte[] good = TestImages.png(4, 4, 8, 2, randomBytes(48, 5), 12);
        byte[] bad = good.clone();
        bad[bad.length - 20] ^= 0x55; // inside the IDAT data: CRC mismatch / inflate error
        String m = rejected(() -> dec.decode(bad, "bad.png"));
        assertTrue(m.startsWith("bad.png: PNG"), m);
    }

    private static byte[] zeroWidth() {
        byte[] png = TestImages.png(1, 1, 8, 0, new byte[1], 1);
        byte[] ihdr = TestImages.ihdr(0, 1, 8, 0);
        System.arraycopy(ihdr, 0, png, 8, ihdr.length);
        return png;
    }

    @Test
    void missingFileIsRejected(@TempDir Path tmp) {
        String m = rejected(() -> dec.decode(tmp.resolve("nope.jpg")));
        assertTrue(m.contains("nope.jpg: no such file"), m);
    }
}
