package org.visionpangu4j.llm.tokenizer;

/**
 * An open-addressing hash map from strings to ids that is probed with a char range, so the BPE inner loop can
 * ask "is text[off, off+len) a piece?" without allocating a substring. Full hashes are stored so most probes are
 * rejected without comparing characters.
 */
final class PieceTable {
    private final char[][] keys;
    private final int[] hashes;
    private final int[] values;
    private final int mask;

    PieceTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;   // load factor ≤ 1/2
        keys = new char[cap][];
        hashes = new int[cap];
        values = new int[cap];
        mask = cap - 1;
    }

    /** Inserts {@code key → value}; returns false (and changes nothing) if the key is already present. */
    boolean putIfAbsent(String key, int value) {
        char[] k = key.toCharArray();
        int h = hash(k, 0, k.length);
        if (find(k, 0, k.length, h) >= 0) {
            return false;
        }
        int slot = h & mask;
        while (keys[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = k;
        hashes[slot] = h;
        values[slot] = value;
        return true;
    }

    /** The id of {@code s[off, off+len)}, or -1. */
    int get(char[] s, int off, int len) {
        return find(s, off, len, hash(s, off, len));
    }

    int get(String key) {
        return get(key.toCharArray(), 0, key.length());
    }

    private int find(char[] s, int off, int len, int h) {
        for (int slot = h & mask; keys[slot] != null; slot = (slot + 1) & mask) {
            if (hashes[slot] == h && regionEquals(keys[slot], s, off, len)) {
                return values[slot];
            }
        }
        return -1;
    }

    private static boolean regionEquals(char[] k, char[] s, int off, int len) {
        if (k.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (k[i] != s[off + i]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(char[] s, int off, int len) {
        int h = len;
        for (int i = 0; i < len; i++) {
            h = 31 * h + s[off + i];
        }
        // Spread the polynomial hash over the low bits used by the mask.
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
