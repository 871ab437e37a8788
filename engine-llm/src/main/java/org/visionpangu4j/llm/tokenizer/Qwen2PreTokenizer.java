package org.visionpangu4j.llm.tokenizer;

/**
 * The Qwen2 pre-tokenizer split, a hand-written scanner equivalent to {@code re.findall} with
 * <pre>
 * (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * </pre>
 * where {@code \p{L}} is general category L (combining marks are not letters), {@code \p{N}} category N and
 * {@code \s} the Unicode White_Space property (Java's own {@code \s} would be ASCII-only). Every character is
 * covered by some alternative, so the pieces tile the text. Works on code points: a surrogate pair is one
 * character; a lone surrogate counts as "other" (neither letter, number nor space).
 *
 * <p>Why a scanner: it is several times faster than {@code java.util.regex} with backtracking over the look-ahead,
 * and it states the regex's backtracking outcome explicitly (see {@link #whitespaceEnd}).
 */
final class Qwen2PreTokenizer {
    private static final byte OTHER = 0;
    private static final byte LETTER = 1;
    private static final byte NUMBER = 2;
    private static final byte SPACE = 3;   // White_Space
    private static final byte[] ASCII = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII[c] = classify(c);
        }
    }

    private Qwen2PreTokenizer() {
    }

    /** End (exclusive) of the piece that starts at {@code pos}; {@code pos < end}. */
    static int pieceEnd(String s, int pos, int end) {
        int c = s.codePointAt(pos);
        int next = pos + Character.charCount(c);
        if (c == '\'' && next < end) {
            int k = contraction(s, next, end);
            if (k > 0) {
                return next + k;
            }
        }
        byte cls = classOf(c);
        if (cls == LETTER) {
            return letterRun(s, next, end);
        }
        if (cls == NUMBER) {
            return next;
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+ with the optional character present.
        if (c != '\r' && c != '\n' && next < end && classOf(s.codePointAt(next)) == LETTER) {
            return letterRun(s, next, end);
        }
        // ' '?[^\s\p{L}\p{N}]+[\r\n]*
        int p = c == ' ' ? next : pos;
        if (p < end && classOf(s.codePointAt(p)) == OTHER) {
            p = otherRun(s, p, end);
            while (p < end && (s.charAt(p) == '\r' || s.charAt(p) == '\n')) {
                p++;
            }
            return p;
        }
        return whitespaceEnd(s, pos, end);
    }

    /**
     * {@code c} at {@code pos} is White_Space here. The three whitespace alternatives over the maximal whitespace run
     * {@code [pos, e)}: {@code \s*[\r\n]+} ends after the run's last CR/LF; else {@code \s+(?!\S)} takes the whole run
     * at the end of the text, or all but its last character before a non-space; else {@code \s+} takes the one
     * character.
     */
    private static int whitespaceEnd(String s, int pos, int end) {
        int e = pos;
        int afterLastNewline = -1;
        int lastLen = 1;
        while (e < end) {
            int d = s.codePointAt(e);
            if (classOf(d) != SPACE) {
                break;
            }
            lastLen = Character.charCount(d);
            e += lastLen;
            if (d == '\r' || d == '\n') {
                afterLastNewline = e;
            }
        }
        if (afterLastNewline >= 0) {
            return afterLastNewline;
        }
        if (e == end) {
            return e;
        }
        return e - lastLen > pos ? e - lastLen : e;
    }

    // (?i:'s|'t|'re|'ve|'m|'ll|'d) after the apostrophe: the length matched, or 0. Case folding as Python's regex
    // module does it: 'ſ' (U+017F) folds to 's'.
    private static int contraction(String s, int p, int end) {
        char a = Character.toLowerCase(s.charAt(p));
        if (a == 's' || a == 't' || a == 'm' || a == 'd' || a == '\u017F') {
            return 1;
        }
        if (p + 1 < end) {
            char b = Character.toLowerCase(s.charAt(p + 1));
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return 2;
            }
        }
        return 0;
    }

    private static int letterRun(String s, int p, int end) {
        while (p < end) {
            int d = s.codePointAt(p);
            if (classOf(d) != LETTER) {
                break;
            }
            p += Character.charCount(d);
        }
        return p;
    }

    private static int otherRun(String s, int p, int end) {
        while (p < end) {
            int d = s.codePointAt(p);
            if (classOf(d) != OTHER) {
                break;
            }
            p += Character.charCount(d);
        }
        return p;
    }

    private static byte classOf(int c) {
        return c < 128 ? ASCII[c] : classify(c);
    }

    private static byte classify(int c) {
        if (isWhiteSpace(c)) {
            return SPACE;
        }
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> OTHER;
        };
    }

    /** The Unicode White_Space property (what Python's regex module and Rust's regex call {@code \s}). */
    static boolean isWhiteSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
