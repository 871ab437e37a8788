package org.visionpangu4j.llm.tokenizer;

/**
 * Incremental UTF-8 → text with Python's {@code errors="replace"} (WHATWG) semantics: every maximal invalid
 * subpart becomes one U+FFFD. Bytes are fed in pieces (one token's bytes at a time); a character split across
 * pieces is held back (at most 3 bytes) until it is complete or can no longer become valid, so the output only
 * ever grows by whole characters and streamed output equals decoding all bytes at once.
 */
final class Utf8Replacing {
    private final byte[] pending = new byte[8];
    private int pendingLen;

    /** Appends the characters that {@code b[off, off+len)} completes. */
    void accept(byte[] b, int off, int len, StringBuilder out) {
        int i = off;
        int end = off + len;
        while (pendingLen > 0 && i < end) {
            pending[pendingLen++] = b[i++];
            drainPending(out, false);
        }
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                out.append((char) c);
                i++;
                continue;
            }
            int n = Utf8.charLength(b, i, end);
            if (n > 0) {
                appendChar(b, i, n, out);
                i += n;
            } else if (n == 0) {
                System.arraycopy(b, i, pending, 0, end - i);   // a valid prefix (≤ 3 bytes) cut by the piece's end
                pendingLen = end - i;
                return;
            } else {
                out.append('\uFFFD');
                i += Utf8.invalidLength(b, i, end);
            }
        }
    }

    /** Ends the byte stream: a held incomplete character becomes one U+FFFD. */
    void finish(StringBuilder out) {
        drainPending(out, true);
    }

    boolean isEmpty() {
        return pendingLen == 0;
    }

    private void drainPending(StringBuilder out, boolean atEnd) {
        int off = 0;
        while (off < pendingLen) {
            int n = Utf8.charLength(pending, off, pendingLen);
            if (n > 0) {
                appendChar(pending, off, n, out);
                off += n;
            } else if (n == 0) {
                if (!atEnd) {
                    break;
                }
                out.append('\uFFFD');   // the whole held prefix is one maximal subpart
                off = pendingLen;
            } else {
                out.append('\uFFFD');
                off += Utf8.invalidLength(pending, off, pendingLen);
            }
        }
        System.arraycopy(pending, off, pending, 0, pendingLen - off);
        pendingLen -= off;
    }

    // A well-formed character of n bytes (validated by Utf8.charLength).
    private static void appendChar(byte[] b, int i, int n, StringBuilder out) {
        int cp = switch (n) {
            case 1 -> b[i];
            case 2 -> ((b[i] & 0x1F) << 6) | (b[i + 1] & 0x3F);
            case 3 -> ((b[i] & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
            default -> ((b[i] & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6)
                    | (b[i + 3] & 0x3F);
        };
        out.appendCodePoint(cp);
    }
}
