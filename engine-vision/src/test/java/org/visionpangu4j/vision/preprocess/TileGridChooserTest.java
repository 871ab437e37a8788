package org.visionpangu4j.vision.preprocess;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TileGridChooserTest {
    /** CPython's candidate order for max 12 (sorted by product, ties in set iteration order), as upstream runs it. */
    @Test
    void candidateOrderForMax12MatchesCPython() {
        int[][] spec = {{1, 1}, {1, 2}, {2, 1}, {3, 1}, {1, 3}, {2, 2}, {4, 1}, {1, 4}, {5, 1}, {1, 5}, {1, 6}, {6, 1},
            {3, 2}, {2, 3}, {7, 1}, {1, 7}, {4, 2}, {2, 4}, {1, 8}, {8, 1}, {1, 9}, {3, 3}, {9, 1}, {2, 5}, {5, 2},
            {10, 1}, {1, 10}, {11, 1}, {1, 11}, {12, 1}, {3, 4}, {4, 3}, {1, 12}, {6, 2}, {2, 6}};
        List<TileGrid> got = TileGridChooser.candidates(1, 12);
        assertEquals(spec.length, got.size());
        for (int i = 0; i < spec.length; i++) {
            assertEquals(new TileGrid(spec[i][0], spec[i][1]), got.get(i), "candidate " + i);
        }
    }

    @Test
    void candidatesRespectMinAndMax() {
        List<TileGrid> got = TileGridChooser.candidates(3, 6);
        for (TileGrid g : got) {
            assertEquals(true, g.tiles() >= 3 && g.tiles() <= 6, g.toString());
        }
        // All pairs with product 3..6: 2 + 3 + 2 + 4 = 11.
        assertEquals(11, got.size());
        for (int i = 1; i < got.size(); i++) {
            assertEquals(true, got.get(i - 1).tiles() <= got.get(i).tiles());
        }
    }

    @Test
    void aspectAndTieRule() {
        List<TileGrid> c = TileGridChooser.candidates(1, 6);
        assertEquals(new TileGrid(2, 1), TileGridChooser.choose(300, 150, 112, c));
        assertEquals(new TileGrid(1, 3), TileGridChooser.choose(120, 360, 112, c));
        // Square image: (1,1) and (2,2) tie exactly; (2,2) wins only if the area exceeds 0.5·112²·4 = 25088.
        assertEquals(new TileGrid(1, 1), TileGridChooser.choose(150, 150, 112, c)); // 22500
        assertEquals(new TileGrid(2, 2), TileGridChooser.choose(160, 160, 112, c)); // 25600
        // Wide image near 2:1 ties (2,1) with nothing else; 3:1 → (3,1).
        assertEquals(new TileGrid(3, 1), TileGridChooser.choose(900, 300, 112, c));
        // Extremely tall: best is (1,6).
        assertEquals(new TileGrid(1, 6), TileGridChooser.choose(10, 5000, 112, c));
    }
}
