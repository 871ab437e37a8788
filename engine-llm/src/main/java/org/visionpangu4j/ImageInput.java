package org.visionpangu4j;

import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.image.RgbImage;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/** An image to caption or chat about: a file, encoded bytes, a stream, or a decoded {@link BufferedImage}. */
public sealed interface ImageInput {

    /** Decodes to 8-bit RGB with the given decoder (which enforces the pixel budget). */
    RgbImage decode(ImageDecoder decoder);

    /** A short name for messages and results. */
    String describe();

    static ImageInput of(Path path) {
        return new FromPath(Objects.requireNonNull(path, "path"));
    }

    static ImageInput of(byte[] encoded) {
        return new FromBytes(Objects.requireNonNull(encoded, "encoded").clone());
    }

    static ImageInput of(InputStream in) {
        return new FromStream(Objects.requireNonNull(in, "in"));
    }

    static ImageInput of(BufferedImage image) {
        return new FromBufferedImage(Objects.requireNonNull(image, "image"));
    }

    record FromPath(Path path) implements ImageInput {
        public RgbImage decode(ImageDecoder d) {
            return d.decode(path);
        }

        public String describe() {
            return path.toString();
        }
    }

    record FromBytes(byte[] encoded) implements ImageInput {
        public RgbImage decode(ImageDecoder d) {
            return d.decode(encoded);
        }

        public String describe() {
            return "<" + encoded.length + " bytes>";
        }
    }

    record FromStream(InputStream in) implements ImageInput {
        public RgbImage decode(ImageDecoder d) {
            return d.decode(in);
        }

        public String describe() {
            return "<stream>";
        }
    }

    record FromBufferedImage(BufferedImage image) implements ImageInput {
        public RgbImage decode(ImageDecoder d) {
            return d.decode(image);
        }

        public String describe() {
            return "<BufferedImage " + image.getWidth() + "x" + image.getHeight() + ">";
        }
    }
}
