package org.visionpangu4j;

import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.image.RgbImage;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * An image to caption or chat about: a file, encoded bytes (PNG, JPEG, BMP, GIF, WebP), a stream, or a decoded
 * {@link BufferedImage}. Nothing is read until a request uses it; the engine then decodes it to RGB as Pillow's
 * {@code convert('RGB')} does, refusing images over its budgets from their headers.
 */
public final class ImageInput {
    private final Function<ImageDecoder, RgbImage> decode;
    private final String description;

    private ImageInput(Function<ImageDecoder, RgbImage> decode, String description) {
        this.decode = decode;
        this.description = description;
    }

    /** The image file at {@code path} (read when a request uses it). */
    public static ImageInput of(Path path) {
        Objects.requireNonNull(path, "path");
        return new ImageInput(d -> d.decode(path), path.toString());
    }

    /** An encoded image (copied). */
    public static ImageInput of(byte[] encoded) {
        byte[] bytes = Objects.requireNonNull(encoded, "encoded").clone();
        return new ImageInput(d -> d.decode(bytes), "<" + bytes.length + " bytes>");
    }

    /** An encoded image read from {@code in} by the request that uses it (once; the stream is not closed). */
    public static ImageInput of(InputStream in) {
        Objects.requireNonNull(in, "in");
        return new ImageInput(d -> d.decode(in), "<stream>");
    }

    /** A decoded image. */
    public static ImageInput of(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        return new ImageInput(d -> d.decode(image), "<BufferedImage " + image.getWidth() + "x" + image.getHeight() + ">");
    }

    /** A short name for messages and results: the path, or what kind of input it is. */
    public String describe() {
        return description;
    }

    /** Decodes to 8-bit RGB with {@code decoder} (which enforces the budgets). */
    RgbImage decode(ImageDecoder decoder) {
        return decode.apply(decoder);
    }

    @Override
    public String toString() {
        return "ImageInput[" + description + "]";
    }
}
