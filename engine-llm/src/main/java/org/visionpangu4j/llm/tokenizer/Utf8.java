package org.visionpangu4j.llm.tokenizer;

import java.nio.charset.StandardCharsets;

/** UTF-8 well-formedness per character, with the same acceptance rules as sentencepiece's DecodeUTF8. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Length of the well-formed character starting at {@code b[off]} (bytes up to {@code end}); 0 when the
     * available bytes are a proper prefix of a well-formed character (more may follow); -1 when no continuation
     * can make it well-formed (bad lead byte, bad continuation, overlong form, surrogate, beyond U+10FFFF).
     */
    static int charLength(byte[] b, int off, int end) {
        int b0 = b[off] & 0xFF;
        if (b0 < 0x80) {
            return 1;
        }
        int need;
        int lo = 0x80;
        int hi = 0xBF;   // allowed range of the second byte
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 2;
        } else if (b0 == 0xE0) {
            need = 3;
            lo = 0xA0;   // no overlong 3-byte forms
        } else if (b0 == 0xED) {
            need = 3;
            hi = 0x9F;   // no surrogates
        } else if (b0 >= 0xE1 && b0 <= 0xEF) {
            need = 3;
        } else if (b0 == 0xF0) {
            need = 4;
            lo = 0x90;   // no overlong 4-byte forms
        } else if (b0 >= 0xF1 && b0 <= 0xF3) {
            need = 4;
        } else if (b0 == 0xF4) {
            need = 4;
            hi = 0x8F;   // nothing above U+10FFFF
        } else {
            return -1;
        }
        for (int k = 1; k < need; k++) {
            if (off + k >= end) {
                return 0;
            }
            int c = b[off + k] & 0xFF;
            boolean ok = k == 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xBF;
            if (!ok) {
                return -1;
            }
        }
        return need;
    }

    /**
     * Length of the maximal subpart at {@code b[off]} when {@link #charLength} is -1 (WHATWG / Python
     * {@code errors="replace"}: the lead byte and the continuation bytes that were still acceptable, replaced by
     * one U+FFFD together); at least 1.
     */
    static int invalidLength(byte[] b, int off, int end) {
        int b0 = b[off] & 0xFF;
        int need;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 3;
            lo = b0 == 0xE0 ? 0xA0 : 0x80;
            hi = b0 == 0xED ? 0x9F : 0xBF;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 4;
            lo = b0 == 0xF0 ? 0x90 : 0x80;
            hi = b0 == 0xF4 ? 0x8F : 0xBF;
        } else {
            return 1;
        }
        int k = 1;
        while (k < need && off + k < end) {
            int c = b[off + k] & 0xFF;
            boolean ok = k == 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xBF;
            if (!ok) {
                break;
            }
            k++;
        }
        return k;
    }

    static String decode(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }
}
