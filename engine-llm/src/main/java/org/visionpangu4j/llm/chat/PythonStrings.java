package org.visionpangu4j.llm.chat;

/** Python's {@code str.strip()}: which characters count as whitespace differs from Java's {@code String.strip()}. */
public final class PythonStrings {
    private PythonStrings() {
    }

    public static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isSpace(s.codePointAt(from))) {
            from += Character.charCount(s.codePointAt(from));
        }
        while (to > from && isSpace(s.codePointBefore(to))) {
            to -= Character.charCount(s.codePointBefore(to));
        }
        return s.substring(from, to);
    }

    /** Python {@code str.isspace()} for one code point: bidi class WS/B/S or category Zs. */
    public static boolean isSpace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0
                || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F
                || c == 0x205F || c == 0x3000;
    }
}
