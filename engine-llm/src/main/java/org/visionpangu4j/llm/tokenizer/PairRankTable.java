package org.visionpangu4j.llm.tokenizer;

import java.util.Arrays;

/**
 * Merge rank by token pair: an open-addressing hash map from the packed pair {@code (left << 32) | right} to the
 * merge's rank, without boxing. Load factor ≤ 1/2.
 */
final class PairRankTable {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final int[] ranks;
    private final int shift;
    private int size;

    PairRankTable(int expected) {
        int bits = Math.max(4, 64 - Long.numberOfLeadingZeros(Math.max(1, expected) * 2L - 1));   // ≥ 2·expected slots
        keys = new long[1 << bits];
        ranks = new int[1 << bits];
        Arrays.fill(keys, EMPTY);
        shift = 64 - bits;
    }

    /** Sets the rank of {@code (left, right)}, replacing an earlier one (a repeated merge keeps its last rank). */
    void put(int left, int right, int rank) {
        long k = pack(left, right);
        int mask = keys.length - 1;
        int slot = slot(k);
        while (keys[slot] != EMPTY && keys[slot] != k) {
            slot = (slot + 1) & mask;
        }
        if (keys[slot] == EMPTY) {
            if (++size > keys.length / 2) {
                throw new IllegalStateException("PairRankTable sized for fewer pairs");
            }
            keys[slot] = k;
        }
        ranks[slot] = rank;
    }

    /** The rank of {@code (left, right)}, or -1 when the pair is not a merge. */
    int get(int left, int right) {
        long k = pack(left, right);
        int mask = keys.length - 1;
        for (int slot = slot(k); ; slot = (slot + 1) & mask) {
            long stored = keys[slot];
            if (stored == k) {
                return ranks[slot];
            }
            if (stored == EMPTY) {
                return -1;
            }
        }
    }

    private static long pack(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long k) {
        return (int) ((k * 0x9E3779B97F4A7C15L) >>> shift);
    }
}
