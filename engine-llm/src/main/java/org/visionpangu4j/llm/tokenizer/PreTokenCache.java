package org.visionpangu4j.llm.tokenizer;

/**
 * A bounded cache pre-token text → token ids: direct-mapped (one entry per slot, a colliding pre-token replaces
 * the entry), so memory is fixed and a lookup allocates nothing. Entries are immutable and published through
 * final fields, so concurrent use is safe without locks (a lost update only costs a recomputation).
 */
final class PreTokenCache {
    /** Pre-tokens longer than this are not cached (they rarely repeat). */
    static final int MAX_KEY_LENGTH = 24;

    private record Entry(String key, int hash, int[] ids) {
    }

    private final Entry[] slots;
    private final int mask;

    PreTokenCache(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity));
        slots = new Entry[cap];
        mask = cap - 1;
    }

    static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    /** The cached ids of {@code s[from, to)} with hash {@code h}, or null. */
    int[] get(String s, int from, int to, int h) {
        Entry e = slots[h & mask];
        if (e != null && e.hash == h && e.key.length() == to - from && s.regionMatches(from, e.key, 0, to - from)) {
            return e.ids;
        }
        return null;
    }

    void put(String s, int from, int to, int h, int[] ids) {
        slots[h & mask] = new Entry(s.substring(from, to), h, ids);
    }
}
