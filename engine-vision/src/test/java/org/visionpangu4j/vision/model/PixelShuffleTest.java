package org.visionpangu4j.vision.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A toy grid whose cell (row, col) holds 10·row + col, so every output element says where it came from. */
class PixelShuffleTest {
    private static float[] toyGrid(int tiles, int lead) {
        float[] x = new float[tiles * (lead + 16)];
        for (int t = 0; t < tiles; t++) {
            for (int i = 0; i < lead; i++) {
                x[t * (lead + 16) + i] = -1; // CLS: must not appear in the output
            }
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) {
                    x[t * (lead + 16) + lead + r * 4 + c] = 100 * t + 10 * r + c;
                }
            }
        }
        return x;
    }

    @Test
    void v2IsRowMajorOverBlocks() {
        float[] out = PixelShuffle.shuffle(toyGrid(1, 0), 1, 0, 4, 1, 2, true);
        assertArrayEquals(new float[] {0, 1, 10, 11, 2, 3, 12, 13, 20, 21, 30, 31, 22, 23, 32, 33}, out);
    }

    @Test
    void v1IsTransposed() {
        float[] out = PixelShuffle.shuffle(toyGrid(1, 0), 1, 0, 4, 1, 2, false);
        assertArrayEquals(new float[] {0, 1, 10, 11, 20, 21, 30, 31, 2, 3, 12, 13, 22, 23, 32, 33}, out);
    }

    @Test
    void skipsClsAndKeepsTilesInOrder() {
        float[] out = PixelShuffle.shuffle(toyGrid(2, 1), 2, 1, 4, 1, 2, true);
        float[] want = new float[32];
        float[] one = {0, 1, 10, 11, 2, 3, 12, 13, 20, 21, 30, 31, 22, 23, 32, 33};
        for (int i = 0; i < 16; i++) {
            want[i] = one[i];
            want[16 + i] = one[i] + 100;
        }
        assertArrayEquals(want, out);
    }

    @Test
    void channelsStayContiguousPerPatch() {
        // 2×2 grid, 2 channels: patch (r, c) = [10r + c, −(10r + c)] → one token [p00 | p01 | p10 | p11].
        float[] x = {0, -0f, 1, -1, 10, -10, 11, -11};
        assertArrayEquals(new float[] {0, -0f, 1, -1, 10, -10, 11, -11}, PixelShuffle.shuffle(x, 1, 0, 2, 2, 2, true));
    }

    @Test
    void gridMustDivide() {
        assertThrows(IllegalArgumentException.class, () -> PixelShuffle.shuffle(new float[9], 1, 0, 3, 1, 2, true));
    }
}
