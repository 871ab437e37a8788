package org.visionpangu4j.llm.tokenizer;

/**
 * An open-addressing hash map from strings to ids that is probed with a char range, so the BPE inner loop can
 * ask "is text[off, off+len) a piece?" without allocating a substring.
 */
final class PieceTable {
    private final String[] keys;
    private final int[] values;
    private final int mask;

    PieceTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new String[cap];
        values = new int[cap];
        mask = cap - 1;
    }

    /** Inserts {@code key → value}; returns false (and changes nothing) if the key is already present. */
    boolean putIfAbsent(String key, int value) {
        int slot = hash(key, 0, key.length()) & mask;
        while (keys[slot] != null) {
            if (keys[slot].equals(key)) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
        return true;
    }

    /** The id of {@code s[off, off+len)}, or -1. */
    int get(char[] s, int off, int len) {
        int slot = hash(s, off, len) & mask;
        String k;
        while ((k = keys[slot]) != null) {
            if (k.length() == len && regionEquals(k, s, off)) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    int get(String key) {
        return get(key.toCharArray(), 0, key.length());
    }

    private static boolean regionEquals(String k, char[] s, int off) {
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) != s[off + i]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(char[] s, int off, int len) {
        int h = 0;
        for (int i = 0; i < len; i++) {
            h = 31 * h + s[off + i];
        }
        return mix(h);
    }

    private static int hash(String s, int off, int len) {
        int h = 0;
        for (int i = 0; i < len; i++) {
            h = 31 * h + s.charAt(off + i);
        }
        return mix(h);
    }

    // Spread the polynomial hash over the low bits used by the mask.
    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
