package org.visionpangu4j.llm.tokenizer;

/** Python's {@code str} whitespace ({@code isspace}, {@code lstrip}, {@code rstrip}), which the slow tokenizer uses. */
final class PyText {
    private PyText() {
    }

    /** Python's {@code str.isspace} for one character: Unicode White_Space plus U+001C–U+001F. */
    static boolean isSpace(char c) {
        return Qwen2PreTokenizer.isWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
    }

    static String lstrip(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    static String rstrip(String s) {
        int e = s.length();
        while (e > 0 && isSpace(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(0, e);
    }
}
