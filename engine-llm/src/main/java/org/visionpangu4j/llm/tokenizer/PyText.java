package org.visionpangu4j.llm.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Python's {@code str} whitespace handling ({@code isspace}, {@code strip}, {@code split()}), which the slow files follow. */
final class PyText {
    private PyText() {
    }

    /** Python's {@code str.isspace} for one character: Unicode White_Space plus U+001C–U+001F. */
    static boolean isSpace(char c) {
        return Qwen2PreTokenizer.isWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
    }

    static String strip(String s) {
        return rstrip(lstrip(s));
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

    /** {@code str.split()}: the non-empty runs between whitespace. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    /** The lines of a text file as Python's universal-newline reading gives them (\n, \r\n and \r end a line). */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.add(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }
}
