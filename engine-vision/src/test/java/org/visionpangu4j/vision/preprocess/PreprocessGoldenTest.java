package org.visionpangu4j.vision.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.vision.Fixtures;
import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.image.RgbImage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fixture image: decoded RGB against the manifest (SHA-256, size, mean, top-left pixels), tile grid / count /
 * thumbnail exact, and pixel_values against golden/preprocess.safetensors within 1e-6 (FIXTURE-README).
 *
 * <p>The JPEGs: the manifest's RGB SHA-256 comes from libjpeg-turbo 2.1 (islow IDCT, fancy upsampling); the JDK's
 * libjpeg-6b-derived decoder reproduces both fixture JPEGs byte for byte, so the SHA is asserted and the strict
 * 1e-6 tolerance applies to them as well (the README's looser JPEG tolerance is for decoders that differ).
 */
class PreprocessGoldenTest {
    private static final double PIXEL_TOL = 1e-6;
    private static Checkpoint golden;

    @BeforeAll
    static void open() {
        golden = Checkpoint.open(Fixtures.golden("preprocess.safetensors"));
    }

    @AfterAll
    static void close() {
        golden.close();
    }

    @TestFactory
    List<DynamicTest> everyFixtureImage() {
        JsonNode pre = Fixtures.manifest().get("preprocess");
        ImagePreprocessor prep = new ImagePreprocessor(pre.get("image_size").asInt(), pre.get("min_dynamic_patch").asInt(),
                pre.get("max_dynamic_patch").asInt(), pre.get("use_thumbnail").asBoolean(), true);
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode img : pre.get("images")) {
            tests.add(DynamicTest.dynamicTest(img.get("file").asText(), () -> check(img, prep)));
        }
        assertEquals(4, tests.size(), "fixture has four images");
        return tests;
    }

    /**
     * Without dynamic tiling, or with a budget of one tile, the image becomes a single tile resized to 112×112 —
     * the same operation as the reference's thumbnail, which is the last golden tile of landscape_shapes.
     */
    @Test
    void singleTileModesEqualTheGoldenThumbnail() {
        TilingConfig cfg = Fixtures.tiling();
        RgbImage img = new ImageDecoder().decode(Fixtures.dir().resolve("images/landscape_shapes.png"));
        Tensor golden3 = golden.tensor("pixel_values.landscape_shapes").expectShape(3, 3, 112, 112);
        float[] thumb = Arrays.copyOfRange(golden3.toFloatArray(), 2 * 3 * 112 * 112, 3 * 3 * 112 * 112);
        TilingConfig fixed = new TilingConfig(cfg.tileSize(), false, cfg.minTiles(), cfg.maxTiles(), cfg.thumbnail());
        for (ImagePreprocessor prep : List.of(new ImagePreprocessor(fixed), new ImagePreprocessor(cfg.withMaxTiles(1)))) {
            PixelValues pv = prep.preprocess(img);
            assertEquals(1, pv.tiles());
            assertEquals(false, pv.thumbnail());
            assertEquals(1, prep.tileCount(img.width(), img.height()));
            assertTrue(Fixtures.maxAbsDiff(pv.data(), 0, thumb, 0, thumb.length) <= PIXEL_TOL);
        }
        assertEquals(3, new ImagePreprocessor(cfg).tileCount(img.width(), img.height()));
    }

    private static void check(JsonNode m, ImagePreprocessor prep) {
        RgbImage rgb = new ImageDecoder().decode(Fixtures.dir().resolve(m.get("file").asText()));
        assertEquals(m.get("width").asInt(), rgb.width());
        assertEquals(m.get("height").asInt(), rgb.height());
        assertEquals(m.get("decoded_rgb_sha256").asText(), rgb.sha256(), "decoded RGB SHA-256");
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int y = 0; y < rgb.height(); y++) {
                for (int x = 0; x < rgb.width(); x++) {
                    sum += rgb.get(x, y, c);
                }
            }
            assertEquals(m.get("decoded_rgb_mean").get(c).asDouble(), sum / ((double) rgb.width() * rgb.height()), 1e-9);
        }
        JsonNode tl = m.get("decoded_rgb_top_left_4x4");
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int[] want = {tl.get(y).get(x).get(0).asInt(), tl.get(y).get(x).get(1).asInt(), tl.get(y).get(x).get(2).asInt()};
                assertArrayEquals(want, new int[] {rgb.get(x, y, 0), rgb.get(x, y, 1), rgb.get(x, y, 2)});
            }
        }

        PixelValues pv = prep.preprocess(rgb);
        assertEquals(m.get("grid_cols").asInt(), pv.cols(), "grid cols");
        assertEquals(m.get("grid_rows").asInt(), pv.rows(), "grid rows");
        assertEquals(m.get("num_tiles").asInt(), pv.tiles(), "tile count");
        assertEquals(m.get("thumbnail").asBoolean(), pv.thumbnail(), "thumbnail");
        assertEquals(pv.tiles(), prep.tileCount(rgb.width(), rgb.height()));

        Tensor want = golden.tensor(m.get("tensor").asText());
        assertArrayEquals(new long[] {pv.tiles(), 3, pv.size(), pv.size()}, want.shape());
        double diff = Fixtures.maxAbsDiff(pv.data(), 0, want);
        System.out.println(m.get("file").asText() + ": decoded RGB SHA-256 matches; pixel_values max abs diff " + diff);
        assertTrue(diff <= PIXEL_TOL, m.get("file").asText() + ": pixel_values max abs diff " + diff);
    }
}
