package org.visionpangu4j.vision.preprocess;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * InternVL's {@code dynamic_preprocess} grid choice. The reference builds the candidate grids as a Python
 * {@code set} of (cols, rows) tuples, then sorts it by cols·rows with a stable sort — so among grids of equal tile
 * count the order is CPython's set iteration order, which decides exact ties. {@link #candidates} reproduces that
 * order by replaying CPython's tuple hash and set table (open addressing, 9 linear probes, perturbed probing,
 * growth ×4 at 60 % fill) over the same insertion sequence.
 */
public final class TileGridChooser {
    private TileGridChooser() {
    }

    /** Grids with minTiles ≤ cols·rows ≤ maxTiles in the reference's order (by product, ties in set order). */
    public static List<TileGrid> candidates(int minTiles, int maxTiles) {
        if (minTiles < 1 || maxTiles < minTiles) {
            throw new IllegalArgumentException("need 1 ≤ minTiles ≤ maxTiles, got " + minTiles + ", " + maxTiles);
        }
        PySet set = new PySet();
        // set((i, j) for n in range(min, max + 1) for i in range(1, n + 1) for j in range(1, n + 1)
        //     if min <= i * j <= max)
        for (int n = minTiles; n <= maxTiles; n++) {
            for (int i = 1; i <= n; i++) {
                for (int j = 1; j <= n; j++) {
                    if (i * j <= maxTiles && i * j >= minTiles) {
                        set.add(i, j);
                    }
                }
            }
        }
        List<TileGrid> grids = set.inIterationOrder();
        grids.sort(Comparator.comparingInt(TileGrid::tiles)); // List.sort is stable, like Python's sorted
        return grids;
    }

    /**
     * The grid for a w×h image: minimal |w/h − cols/rows| over the candidates in order; on an exact tie a later
     * candidate replaces the best one only if w·h > 0.5·tile²·cols·rows (InternVL's find_closest_aspect_ratio).
     */
    public static TileGrid choose(int width, int height, int tileSize, List<TileGrid> candidates) {
        double aspect = (double) width / height;
        double bestDiff = Double.POSITIVE_INFINITY;
        TileGrid best = new TileGrid(1, 1);
        double area = (double) width * height;
        for (TileGrid g : candidates) {
            double diff = Math.abs(aspect - (double) g.cols() / g.rows());
            if (diff < bestDiff) {
                bestDiff = diff;
                best = g;
            } else if (diff == bestDiff && area > 0.5 * tileSize * tileSize * g.cols() * g.rows()) {
                best = g;
            }
        }
        return best;
    }

    /** CPython's set of 2-tuples of small ints, just enough to reproduce its iteration order. */
    private static final class PySet {
        private static final int LINEAR_PROBES = 9;
        private static final int PERTURB_SHIFT = 5;
        private long[] hashes = new long[8];
        private TileGrid[] keys = new TileGrid[8];
        private int fill;

        void add(int a, int b) {
            long hash = tupleHash(a, b);
            int mask = keys.length - 1;
            int i = (int) (hash & mask);
            long perturb = hash;
            while (true) {
                int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
                for (int e = i; ; e++) {
                    if (keys[e] == null) {
                        keys[e] = new TileGrid(a, b);
                        hashes[e] = hash;
                        fill++;
                        if ((long) fill * 5 >= (long) mask * 3) {
                            resize(fill > 50000 ? fill * 2 : fill * 4);
                        }
                        return;
                    }
                    if (hashes[e] == hash && keys[e].cols() == a && keys[e].rows() == b) {
                        return;
                    }
                    if (probes-- == 0) {
                        break;
                    }
                }
                perturb >>>= PERTURB_SHIFT;
                i = (int) ((i * 5L + 1 + perturb) & mask);
            }
        }

        private void resize(int minUsed) {
            int size = 8;
            while (size <= minUsed) {
                size <<= 1;
            }
            long[] oldHashes = hashes;
            TileGrid[] oldKeys = keys;
            hashes = new long[size];
            keys = new TileGrid[size];
            int mask = size - 1;
            for (int k = 0; k < oldKeys.length; k++) {
                if (oldKeys[k] != null) {
                    insertClean(oldKeys[k], oldHashes[k], mask);
                }
            }
        }

        private void insertClean(TileGrid key, long hash, int mask) {
            int i = (int) (hash & mask);
            long perturb = hash;
            while (true) {
                if (keys[i] == null) {
                    keys[i] = key;
                    hashes[i] = hash;
                    return;
                }
                if (i + LINEAR_PROBES <= mask) {
                    for (int j = 1; j <= LINEAR_PROBES; j++) {
                        if (keys[i + j] == null) {
                            keys[i + j] = key;
                            hashes[i + j] = hash;
                            return;
                        }
                    }
                }
                perturb >>>= PERTURB_SHIFT;
                i = (int) ((i * 5L + 1 + perturb) & mask);
            }
        }

        List<TileGrid> inIterationOrder() {
            List<TileGrid> out = new ArrayList<>();
            for (TileGrid k : keys) {
                if (k != null) {
                    out.add(k);
                }
            }
            return out;
        }

        /** CPython ≥ 3.8 tuplehash (xxHash-style) of (a, b); hash(int) = the int for small non-negative ints. */
        static long tupleHash(long a, long b) {
            final long p1 = 0x9E3779B185EBCA87L;  // 11400714785074694791
            final long p2 = 0xC2B2AE3D27D4EB4FL;  // 14029467366897019727
            final long p5 = 0x27D4EB2F165667C5L;  // 2870177450012600261
            long acc = p5;
            for (long lane : new long[] {a, b}) {
                acc += lane * p2;
                acc = Long.rotateLeft(acc, 31);
                acc *= p1;
            }
            acc += 2L ^ (p5 ^ 3527539L);
            return acc == -1L ? 1546275796L : acc;
        }
    }
}
