package org.visionpangu4j.bench.e2e;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.image.RgbImage;
import org.visionpangu4j.vision.preprocess.ImagePreprocessor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness's small parts: synthetic image sizing, statistics, grid expansion, /proc memory. */
class BenchHelpersTest {
    /** VisionPangu's tiling: 448 px tiles, 1..12 per image, thumbnail. */
    private static final ImagePreprocessor REAL = new ImagePreprocessor(448, 1, 12, true, true);

    @Test
    void syntheticImageSizesGiveTheAskedTileCounts() {
        assertArrayEquals(new int[]{448, 448}, SyntheticImage.size(REAL, 1));
        assertArrayEquals(new int[]{1344, 896}, SyntheticImage.size(REAL, 7)); // 3×2 + thumbnail
        for (int t : new int[]{1, 3, 4, 5, 7, 9, 13}) {
            int[] wh = SyntheticImage.size(REAL, t);
            assertEquals(t, REAL.tileCount(wh[0], wh[1]), "tiles " + t);
        }
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> SyntheticImage.size(REAL, 2));
        assertTrue(two.getMessage().contains("possible: 1, 3, 4"), two.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyntheticImage.size(REAL, 14));
    }

    @Test
    void syntheticJpegDecodesToItsSizeAndIsDeterministic() {
        ImagePreprocessor small = new ImagePreprocessor(56, 1, 4, true, true);
        byte[] a = SyntheticImage.jpeg(small, 5);
        assertArrayEquals(a, SyntheticImage.jpeg(small, 5));
        RgbImage img = new ImageDecoder().decode(a);
        assertEquals(112, img.width());
        assertEquals(112, img.height());
        assertEquals(5, small.preprocess(img).tiles());
    }

    @Test
    void statsAreMeanAndSampleSd() {
        Stats s = Stats.of(new double[]{2, 4, 4, 4, 5, 5, 7, 9});
        assertEquals(5.0, s.mean(), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), s.sd(), 1e-12);
        assertEquals(new Stats(3, 0), Stats.of(new double[]{3}));
        assertFalse(Stats.of(new double[]{Double.NaN, Double.NaN}).measured());
    }

    @Test
    void gridNestsWeightsKvThreadsTiles() {
        BenchPlan p = new BenchPlan(null,
                BenchPlan.list("--weights", "as-stored,q8_0", BenchPlan.Weights::parse),
                BenchPlan.list("--kv", "f32", BenchPlan::kvType),
                BenchPlan.list("--threads", "1,2,1", BenchPlan::integer),
                BenchPlan.list("--tiles", "1,7", BenchPlan::integer),
                512, 128, 3, BenchPlan.residency("PRELOAD"), java.util.Set.of());
        List<BenchPlan.Config> c = p.configs();
        assertEquals(2 * 2 * 2, c.size(), "duplicate thread count dropped");
        assertEquals("as-stored", c.get(0).weights().label());
        assertEquals(null, c.get(0).weights().format());
        assertEquals(List.of(1, 7, 1, 7), c.subList(0, 4).stream().map(BenchPlan.Config::tiles).toList());
        assertEquals("q8_0", c.get(7).weights().label());
        assertEquals(2, c.get(7).threads());
    }

    @Test
    void peakResetBringsTheHighWaterMarkDownToResidentMemory() {
        ProcMemory m = ProcMemory.probe();
        if (!m.peakResettable()) {
            // Not Linux (or /proc/self/clear_refs refused): the harness then reports RSS at the end of each run.
            assertEquals(m.residentBytes(), m.runBytes(), 16L << 20);
            return;
        }
        byte[][] blocks = new byte[64][];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new byte[1 << 20];
            java.util.Arrays.fill(blocks[i], (byte) i); // touch: resident
        }
        long before = m.peakBytes();
        assertTrue(before >= m.residentBytes() - (1L << 20));
        m.resetPeak();
        assertTrue(m.peakBytes() <= m.residentBytes() + (4L << 20), m.peakBytes() + " vs " + m.residentBytes());
        assertEquals(64, blocks.length);
    }
}
