package org.visionpangu4j.vision.preprocess;

import org.visionpangu4j.vision.image.RgbImage;

import java.util.List;

/**
 * InternVL's image pipeline ({@code load_image} → {@code dynamic_preprocess} → {@code build_transform}): choose a
 * tile grid, resize the whole image to it with Pillow's BICUBIC, cut row-major tiles, append a thumbnail when there
 * is more than one tile, and normalise each tile like torchvision's ToTensor + Normalize (ImageNet mean/std).
 * Without {@code dynamic_image_size} the image becomes one tile (resized to size×size).
 */
public final class ImagePreprocessor {
    /** ImageNet mean/std as the float32 tensors torchvision builds from them. */
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final int size;
    private final int minTiles;
    private final int maxTiles;
    private final boolean useThumbnail;
    private final boolean dynamic;
    private final List<TileGrid> candidates;

    public ImagePreprocessor(int size, int minTiles, int maxTiles, boolean useThumbnail, boolean dynamic) {
        if (size < 1) {
            throw new IllegalArgumentException("tile size must be positive, got " + size);
        }
        this.size = size;
        this.minTiles = minTiles;
        this.maxTiles = maxTiles;
        this.useThumbnail = useThumbnail;
        this.dynamic = dynamic;
        this.candidates = TileGridChooser.candidates(minTiles, maxTiles);
    }

    /** The preprocessor of a model's tiling settings. */
    public ImagePreprocessor(TilingConfig tiling) {
        this(tiling.tileSize(), tiling.minTiles(), tiling.maxTiles(), tiling.thumbnail(), tiling.dynamic());
    }

    public int tileSize() {
        return size;
    }

    public int maxTiles() {
        return maxTiles;
    }

    /** The grid the image would use (1×1 when dynamic tiling is off). */
    public TileGrid grid(int width, int height) {
        return dynamic ? TileGridChooser.choose(width, height, size, candidates) : new TileGrid(1, 1);
    }

    /** Tiles that {@link #preprocess} would produce for a width×height image (for sizing prompts). */
    public int tileCount(int width, int height) {
        TileGrid g = grid(width, height);
        return g.tiles() + (thumbnailFor(g) ? 1 : 0);
    }

    public PixelValues preprocess(RgbImage image) {
        TileGrid g = grid(image.width(), image.height());
        boolean thumb = thumbnailFor(g);
        int tiles = g.tiles() + (thumb ? 1 : 0);
        int stride = 3 * size * size;
        float[] data = new float[Math.multiplyExact(tiles, stride)];
        RgbImage resized = PillowBicubic.resize(image, size * g.cols(), size * g.rows());
        for (int t = 0; t < g.tiles(); t++) {
            normalise(resized, (t % g.cols()) * size, (t / g.cols()) * size, data, t * stride);
        }
        if (thumb) {
            normalise(PillowBicubic.resize(image, size, size), 0, 0, data, g.tiles() * stride);
        }
        return new PixelValues(data, tiles, size, g.cols(), g.rows(), thumb);
    }

    private boolean thumbnailFor(TileGrid g) {
        return useThumbnail && g.tiles() != 1;
    }

    /** The size×size crop at (x0, y0) → out[c][y][x] = (v/255 − mean[c]) / std[c], all in float32. */
    private void normalise(RgbImage img, int x0, int y0, float[] out, int off) {
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                for (int c = 0; c < 3; c++) {
                    float v = img.get(x0 + x, y0 + y, c) / 255f;
                    out[off + c * plane + y * size + x] = (v - MEAN[c]) / STD[c];
                }
            }
        }
    }
}
