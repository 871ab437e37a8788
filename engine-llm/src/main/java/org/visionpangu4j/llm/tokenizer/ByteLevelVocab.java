package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;

/**
 * The regular tokens of a byte-level BPE vocabulary (ids 0..size-1), held as the bytes they stand for in one pool,
 * with a bytes → id table and the id of every single-byte token.
 */
final class ByteLevelVocab {
    private final byte[] pool;
    private final int[] offsets;   // token id's bytes: pool[offsets[id], offsets[id + 1])
    private final TokenBytesTable byBytes;
    private final int[] byteToken = new int[256];

    /**
     * {@code tokens[id]}, written in the GPT-2 alphabet, for every id; {@code file} names the source in messages.
     * Refuses tokens that are not written in the alphabet, two ids for one token, and a missing single-byte token.
     */
    ByteLevelVocab(String[] tokens, String file) {
        int n = tokens.length;
        offsets = new int[n + 1];
        long total = 0;
        for (String t : tokens) {
            total += t.length();
        }
        pool = new byte[Math.toIntExact(total)];
        int at = 0;
        for (int id = 0; id < n; id++) {
            String t = tokens[id];
            if (t.isEmpty()) {
                throw new ModelFormatException(file + ": token id " + id + " is the empty string");
            }
            for (int i = 0; i < t.length(); i++) {
                int b = ByteLevelAlphabet.byteOf(t.charAt(i));
                if (b < 0) {
                    throw new ModelFormatException(file + ": token '" + t + "' (id " + id + ") has the character U+"
                            + String.format("%04X", (int) t.charAt(i)) + ", which stands for no byte in the"
                            + " byte-level alphabet");
                }
                pool[at++] = (byte) b;
            }
            offsets[id + 1] = at;
        }
        byBytes = new TokenBytesTable(pool, offsets, n);
        for (int id = 0; id < n; id++) {
            int other = byBytes.putIfAbsent(id);
            if (other >= 0) {
                throw new ModelFormatException(file + ": token '" + tokens[id] + "' has two ids, " + other + " and "
                        + id);
            }
        }
        for (int b = 0; b < 256; b++) {
            byte[] one = {(byte) b};
            byteToken[b] = byBytes.get(one, 0, 1);
            if (byteToken[b] < 0) {
                throw new ModelFormatException(file + ": no token for byte 0x" + String.format("%02X", b) + " ('"
                        + ByteLevelAlphabet.charOf(b) + "'); a byte-level vocabulary has one for every byte");
            }
        }
    }

    int size() {
        return offsets.length - 1;
    }

    /** The id of the token for byte {@code b} (0–255). */
    int byteToken(int b) {
        return byteToken[b];
    }

    /** The id of the token whose bytes are {@code b[off, off+len)}, or -1. */
    int idOf(byte[] b, int off, int len) {
        return byBytes.get(b, off, len);
    }

    /** The id of {@code token} written in the alphabet, or -1. */
    int idOf(String token) {
        byte[] b = ByteLevelAlphabet.toBytes(token);
        return b == null ? -1 : byBytes.get(b, 0, b.length);
    }

    /** The token string of {@code id} (in the alphabet). */
    String token(int id) {
        return ByteLevelAlphabet.toToken(pool, offsets[id], offsets[id + 1] - offsets[id]);
    }

    byte[] pool() {
        return pool;
    }

    int offset(int id) {
        return offsets[id];
    }

    int length(int id) {
        return offsets[id + 1] - offsets[id];
    }
}
