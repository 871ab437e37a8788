package org.visionpangu4j.llm.tokenizer;

/**
 * Token bytes → id for a byte-level vocabulary stored as one byte pool ({@code pool[offsets[id], offsets[id+1])}):
 * an open-addressing table of ids with stored hashes, probed with a byte range so no key objects are kept.
 */
final class TokenBytesTable {
    private final byte[] pool;
    private final int[] offsets;
    private final int[] slots;    // id + 1; 0 = empty
    private final int[] hashes;
    private final int mask;

    TokenBytesTable(byte[] pool, int[] offsets, int count) {
        this.pool = pool;
        this.offsets = offsets;
        int cap = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
        slots = new int[cap];
        hashes = new int[cap];
        mask = cap - 1;
    }

    /** Inserts token {@code id}; returns the id already holding the same bytes, or -1 if there was none. */
    int putIfAbsent(int id) {
        int off = offsets[id];
        int len = offsets[id + 1] - off;
        int h = hash(pool, off, len);
        int slot = h & mask;
        for (; slots[slot] != 0; slot = (slot + 1) & mask) {
            int other = slots[slot] - 1;
            if (hashes[slot] == h && equals(other, pool, off, len)) {
                return other;
            }
        }
        slots[slot] = id + 1;
        hashes[slot] = h;
        return -1;
    }

    /** The id of the token whose bytes are {@code b[off, off+len)}, or -1. */
    int get(byte[] b, int off, int len) {
        int h = hash(b, off, len);
        for (int slot = h & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int id = slots[slot] - 1;
            if (hashes[slot] == h && equals(id, b, off, len)) {
                return id;
            }
        }
        return -1;
    }

    private boolean equals(int id, byte[] b, int off, int len) {
        int o = offsets[id];
        return offsets[id + 1] - o == len && java.util.Arrays.equals(pool, o, o + len, b, off, off + len);
    }

    private static int hash(byte[] b, int off, int len) {
        int h = len;
        for (int i = 0; i < len; i++) {
            h = 31 * h + b[off + i];
        }
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
