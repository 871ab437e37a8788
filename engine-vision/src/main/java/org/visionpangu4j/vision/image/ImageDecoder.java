package org.visionpangu4j.vision.image;

import org.visionpangu4j.core.ImageInputException;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Decodes PNG, JPEG (baseline, progressive, grey, CMYK/YCCK), BMP, GIF (first frame) and WebP into an
 * {@link RgbImage} converted the way Pillow's {@code convert('RGB')} does (see {@link PillowRgb}).
 *
 * <p>Safety: the header dimensions are read first (ImageReader.getWidth/getHeight, which parse only the header) and
 * an image over the pixel budget, or of zero size, is refused before any raster is allocated. Unknown formats,
 * truncated or corrupt data raise {@link ImageInputException} naming the source and the problem.
 *
 * <p>Fidelity: JPEG goes through the JDK's libjpeg-6b-derived decoder (via the TwelveMonkeys reader, which adds
 * CMYK/YCCK) for the raw components, and {@link JpegColor} converts them with libjpeg's own integer tables and
 * Pillow's CMYK rules, ignoring ICC profiles as Pillow does. libjpeg-6b and libjpeg-turbo share the islow IDCT and
 * fancy upsampling, so baseline files usually decode identically (both fixture JPEGs do); lossy WebP uses TwelveMonkeys' own VP8 decoder, not
 * libwebp, and is not guaranteed bit-identical; lossless formats decode exactly. GIF: the first frame at its own
 * size (Pillow pastes it onto the logical screen; the two agree when the frame covers the screen, the usual case);
 * the JDK's GIF reader loses rows of interlaced GIFs only 2–4 pixels high (a JDK bug; larger ones are fine).
 */
public final class ImageDecoder {
    /** About twice Pillow's MAX_IMAGE_PIXELS, where Pillow itself raises DecompressionBombError. */
    public static final long DEFAULT_MAX_PIXELS = 180_000_000L;

    private final long maxPixels;
    private final boolean applyExifOrientation;

    /** Default budget, EXIF orientation not applied (as the reference). */
    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS, false);
    }

    /**
     * @param maxPixels            largest width·height accepted
     * @param applyExifOrientation rotate/flip as the EXIF orientation tag says (Pillow's exif_transpose)
     */
    public ImageDecoder(long maxPixels, boolean applyExifOrientation) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be ≥ 1, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
        this.applyExifOrientation = applyExifOrientation;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public boolean appliesExifOrientation() {
        return applyExifOrientation;
    }

    public RgbImage decode(Path path) {
        String source = path.toString();
        byte[] data;
        try {
            long size = Files.size(path);
            if (size > Integer.MAX_VALUE - 8) {
                throw new ImageInputException(source + ": file of " + size + " bytes is too large to decode");
            }
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ImageInputException(source + ": no such file", e);
        } catch (IOException e) {
            throw new ImageInputException(source + ": cannot read file: " + e.getMessage(), e);
        }
        return decode(data, source);
    }

    public RgbImage decode(InputStream in) {
        byte[] data;
        try {
            data = in.readAllBytes();
        } catch (IOException e) {
            throw new ImageInputException("input stream: cannot read: " + e.getMessage(), e);
        }
        return decode(data, "input stream");
    }

    public RgbImage decode(byte[] data) {
        return decode(data, "byte[" + data.length + "]");
    }

    /** Decodes {@code data}; {@code source} names it in error messages. */
    public RgbImage decode(byte[] data, String source) {
        if (data.length == 0) {
            throw new ImageInputException(source + ": empty (0 bytes), not an image");
        }
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new ImageInputException(source + ": unknown or unsupported image format (expected PNG, JPEG, "
                        + "BMP, GIF or WebP)");
            }
            ImageReader reader = readers.next();
            try {
                RgbImage rgb = read(reader, iis, data, source);
                return applyExifOrientation ? rgb.orient(ExifOrientation.read(data)) : rgb;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new ImageInputException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** An already decoded image, converted to RGB under the same budget and rules. */
    public RgbImage decode(BufferedImage img) {
        checkSize(img.getWidth(), img.getHeight(), "BufferedImage");
        return new RgbImage(img.getWidth(), img.getHeight(), PillowRgb.convert(img));
    }

    private RgbImage read(ImageReader reader, ImageInputStream iis, byte[] data, String source) {
        String format = format(reader);
        reader.setInput(iis, true, true);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((r, message) -> warnings.add(message));
        int w;
        int h;
        try {
            w = reader.getWidth(0);
            h = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw new ImageInputException(source + ": " + format + " header is truncated or corrupt: " + describe(e), e);
        }
        checkSize(w, h, source + " (" + format + ")");
        boolean jpeg = format.equals("JPEG");
        int gotW;
        int gotH;
        byte[] rgb;
        try {
            if (jpeg) {
                // Raw components, converted by JpegColor exactly as libjpeg + Pillow (no ICC colour management).
                JpegColor.Space space = JpegColor.space(data);
                Raster raw = reader.readRaster(0, reader.getDefaultReadParam());
                gotW = raw.getWidth();
                gotH = raw.getHeight();
                rgb = JpegColor.toRgb(raw, space);
            } else {
                BufferedImage img = reader.read(0, reader.getDefaultReadParam());
                gotW = img.getWidth();
                gotH = img.getHeight();
                boolean pngGrey = format.equals("PNG") && data.length > 25 && data[25] == 0; // IHDR colour type
                rgb = PillowRgb.convert(img, pngGrey);
            }
        } catch (ImageInputException e) {
            throw new ImageInputException(source + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ImageInputException(source + ": " + format + " data is truncated or corrupt: " + describe(e), e);
        }
        for (String warning : warnings) {
            if (truncation(warning)) {
                throw new ImageInputException(source + ": " + format + " data is truncated: " + warning);
            }
        }
        if (gotW != w || gotH != h) {
            throw new ImageInputException(source + ": " + format + " decoded to " + gotW + "×" + gotH
                    + " but its header says " + w + "×" + h);
        }
        return new RgbImage(w, h, rgb);
    }

    private void checkSize(int w, int h, String source) {
        if (w <= 0 || h <= 0) {
            throw new ImageInputException(source + ": zero-size image (" + w + "×" + h + ")");
        }
        long pixels = (long) w * h;
        if (pixels > maxPixels) {
            throw new ImageInputException(source + ": image is " + w + "×" + h + " = " + pixels
                    + " pixels, above the pixel budget of " + maxPixels);
        }
    }

    /** Decoders report a short file as a warning and fill the rest with grey; Pillow refuses such a file. */
    private static boolean truncation(String warning) {
        String m = warning.toLowerCase(Locale.ROOT);
        return m.contains("premature end") || m.contains("truncated") || m.contains("unexpected end")
                || m.contains("end of file") || m.contains("eof");
    }

    private static String format(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (!sb.isEmpty()) {
                sb.append(": ");
            }
            String m = t.getMessage();
            sb.append(t instanceof EOFException || (t instanceof IIOException && m == null) ? "unexpected end of data"
                    : m != null ? m : t.getClass().getSimpleName());
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }
}
