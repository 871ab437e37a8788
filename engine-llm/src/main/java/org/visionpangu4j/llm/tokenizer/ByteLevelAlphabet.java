package org.visionpangu4j.llm.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's byte ↔ character table ({@code bytes_to_unicode}), in which byte-level BPE vocabularies are written:
 * the printable bytes 0x21–0x7E, 0xA1–0xAC and 0xAE–0xFF stand for themselves, the other 68 bytes, in increasing
 * order, for U+0100, U+0101, … (so space is {@code Ġ} U+0120 and newline {@code Ċ} U+010A).
 */
final class ByteLevelAlphabet {
    private static final char[] CHAR_OF_BYTE = new char[256];
    private static final short[] BYTE_OF_CHAR = new short[0x100 + 68];

    static {
        Arrays.fill(BYTE_OF_CHAR, (short) -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : 0x100 + shifted++);
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = (short) b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The character that stands for byte {@code b} (0–255). */
    static char charOf(int b) {
        return CHAR_OF_BYTE[b];
    }

    /** The byte that {@code c} stands for, or -1 when {@code c} is not in the alphabet. */
    static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }

    /** {@code bytes[off, off+len)} written in the alphabet. */
    static String toToken(byte[] bytes, int off, int len) {
        char[] c = new char[len];
        for (int i = 0; i < len; i++) {
            c[i] = CHAR_OF_BYTE[bytes[off + i] & 0xFF];
        }
        return new String(c);
    }

    /** The bytes a token written in the alphabet stands for, or null when some character is not in it. */
    static byte[] toBytes(String token) {
        byte[] b = new byte[token.length()];
        for (int i = 0; i < b.length; i++) {
            int v = byteOf(token.charAt(i));
            if (v < 0) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }
}
