package org.visionpangu4j.llm.generate;

import org.visionpangu4j.llm.chat.PythonStrings;

import java.util.List;
import java.util.function.Consumer;

/**
 * Turns decoded text pieces into the visible reply: cuts at the first stop string, drops leading whitespace, and
 * holds back what could still become a stop string or trailing whitespace, so that everything emitted
 * concatenates to exactly the final reply (Python {@code str.strip()} semantics, as the chat template's
 * {@code response}).
 */
final class ReplyText {
    private final List<String> stopStrings;
    private final Consumer<String> listener;
    private final StringBuilder text = new StringBuilder();
    private int emitted;
    private int start = -1;
    private boolean stopped;

    ReplyText(List<String> stopStrings, Consumer<String> listener) {
        this.stopStrings = stopStrings;
        this.listener = listener;
    }

    /** Adds decoded text; returns false once a stop string has appeared (the text is cut before it). */
    boolean add(String piece) {
        if (stopped || piece.isEmpty()) {
            return !stopped;
        }
        int searchFrom = Math.max(0, text.length() - maxStopLength() + 1);
        text.append(piece);
        int cut = firstStop(searchFrom);
        if (cut >= 0) {
            text.setLength(cut);
            stopped = true;
            flush(text.length());
            return false;
        }
        flush(text.length() - heldForStop());
        return true;
    }

    /** Emits whatever remains (up to the reply's trailing whitespace). */
    void finish() {
        flush(text.length());
    }

    /** The final reply. */
    String reply() {
        return PythonStrings.strip(text.toString());
    }

    private void flush(int visibleEnd) {
        if (start < 0) {
            start = firstNonSpace();
            if (start < 0) {
                return;
            }
            emitted = start;
        }
        int end = lastNonSpaceEnd(visibleEnd);
        if (end > emitted) {
            listener.accept(text.substring(emitted, end));
            emitted = end;
        }
    }

    private int firstStop(int from) {
        int best = -1;
        for (String s : stopStrings) {
            int i = text.indexOf(s, from);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** Length of the longest tail of the text that is a proper prefix of a stop string. */
    private int heldForStop() {
        int held = 0;
        for (String s : stopStrings) {
            for (int k = Math.min(s.length() - 1, text.length()); k > held; k--) {
                if (endsWithPrefix(s, k)) {
                    held = k;
                    break;
                }
            }
        }
        return held;
    }

    /** Whether the text ends with the first k chars of s. */
    private boolean endsWithPrefix(String s, int k) {
        int base = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(base + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int maxStopLength() {
        int m = 1;
        for (String s : stopStrings) {
            m = Math.max(m, s.length());
        }
        return m;
    }

    private int firstNonSpace() {
        for (int i = 0; i < text.length(); i++) {
            if (!PythonStrings.isSpace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private int lastNonSpaceEnd(int limit) {
        int e = Math.max(0, limit);
        while (e > emitted && PythonStrings.isSpace(text.charAt(e - 1))) {
            e--;
        }
        return e;
    }
}
