package org.visionpangu4j.llm.tokenizer;

import java.util.Arrays;
import java.util.Map;

/**
 * A character trie answering "which entry is the longest one that starts at position p?". Used for
 * SentencePiece user-defined symbols and for splitting out added/special tokens.
 */
final class PrefixTrie {
    private static final class Node {
        char[] labels = new char[0];   // sorted
        Node[] children = new Node[0];
        int value = -1;                // entry id when a key ends here

        Node child(char c) {
            int i = Arrays.binarySearch(labels, c);
            return i >= 0 ? children[i] : null;
        }

        Node add(char c) {
            int i = Arrays.binarySearch(labels, c);
            if (i >= 0) {
                return children[i];
            }
            int at = -i - 1;
            Node n = new Node();
            char[] l = new char[labels.length + 1];
            Node[] ch = new Node[children.length + 1];
            System.arraycopy(labels, 0, l, 0, at);
            System.arraycopy(children, 0, ch, 0, at);
            l[at] = c;
            ch[at] = n;
            System.arraycopy(labels, at, l, at + 1, labels.length - at);
            System.arraycopy(children, at, ch, at + 1, children.length - at);
            labels = l;
            children = ch;
            return n;
        }
    }

    private final Node root = new Node();
    private final boolean empty;
    private final long[] firstChars = new long[1024];   // bit c set when some key starts with char c

    /** {@code entries}: key → value (value ≥ 0); empty keys are ignored. */
    PrefixTrie(Map<String, Integer> entries) {
        boolean any = false;
        for (Map.Entry<String, Integer> e : entries.entrySet()) {
            String k = e.getKey();
            if (k.isEmpty()) {
                continue;
            }
            firstChars[k.charAt(0) >>> 6] |= 1L << k.charAt(0);
            Node n = root;
            for (int i = 0; i < k.length(); i++) {
                n = n.add(k.charAt(i));
            }
            n.value = e.getValue();
            any = true;
        }
        empty = !any;
    }

    boolean isEmpty() {
        return empty;
    }

    /**
     * The longest entry that starts at {@code s[pos]} and ends at or before {@code end}: returns
     * {@code (value << 32) | length}, or 0 when no entry matches (length is then 0).
     */
    long longestMatch(CharSequence s, int pos, int end) {
        if (pos >= end || !startsSomeKey(s.charAt(pos))) {
            return 0;
        }
        Node n = root;
        long best = 0;
        for (int i = pos; i < end; i++) {
            n = n.child(s.charAt(i));
            if (n == null) {
                break;
            }
            if (n.value >= 0) {
                best = ((long) n.value << 32) | (i + 1 - pos);
            }
        }
        return best;
    }

    /** As {@link #longestMatch(CharSequence, int, int)} over a char array. */
    long longestMatch(char[] s, int pos, int end) {
        if (pos >= end || !startsSomeKey(s[pos])) {
            return 0;
        }
        Node n = root;
        long best = 0;
        for (int i = pos; i < end; i++) {
            n = n.child(s[i]);
            if (n == null) {
                break;
            }
            if (n.value >= 0) {
                best = ((long) n.value << 32) | (i + 1 - pos);
            }
        }
        return best;
    }

    /** Whether some key starts with {@code c}: a cheap filter before walking the trie. */
    boolean startsSomeKey(char c) {
        return (firstChars[c >>> 6] & (1L << c)) != 0;
    }

    static int length(long match) {
        return (int) match;
    }

    static int value(long match) {
        return (int) (match >>> 32);
    }
}
