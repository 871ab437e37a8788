package org.visionpangu4j.vision.preprocess;

/**
 * Normalised tiles of one image: {@code data[tile][channel][y][x]} as float32, shape [tiles, 3, size, size].
 * Tiles are the cols×rows grid in row-major order, then the thumbnail (whole image) if {@code thumbnail}.
 */
public record PixelValues(float[] data, int tiles, int size, int cols, int rows, boolean thumbnail) {
    public PixelValues {
        if (tiles < 1 || size < 1) {
            throw new IllegalArgumentException("need at least one tile of positive size, got " + tiles + " × " + size);
        }
        if (data.length != (long) tiles * 3 * size * size) {
            throw new IllegalArgumentException("data has " + data.length + " floats, expected " + tiles + "·3·" + size
                    + "·" + size);
        }
        if (tiles != cols * rows + (thumbnail ? 1 : 0)) {
            throw new IllegalArgumentException(tiles + " tiles do not match a " + cols + "×" + rows + " grid"
                    + (thumbnail ? " plus thumbnail" : ""));
        }
    }

    /** Floats per tile: 3·size². */
    public int tileStride() {
        return 3 * size * size;
    }
}
