package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;

import java.util.Arrays;

/**
 * The merges of a byte-level BPE model in rank order, resolved to token ids while they are read: both parts and
 * their concatenation must be tokens of the vocabulary (tokenizers refuses such a file too; transformers' slow
 * tokenizer would silently produce an unknown token).
 */
final class MergeList {
    private final ByteLevelVocab vocab;
    private int[] left = new int[1024];
    private int[] right = new int[1024];
    private int[] merged = new int[1024];
    private int n;
    private byte[] buf = new byte[64];

    MergeList(ByteLevelVocab vocab) {
        this.vocab = vocab;
    }

    /** Appends the merge {@code a b}; {@code where} (file and line) prefixes any error. */
    void add(String a, String b, String where) {
        String ab = a + " " + b;
        add(ab, 0, a.length(), a.length() + 1, ab.length(), where, 0);
    }

    /**
     * Appends the merge of the tokens {@code s[aStart, aEnd)} and {@code s[bStart, bEnd)}; errors name
     * {@code where} and, when {@code line > 0}, the line.
     */
    void add(String s, int aStart, int aEnd, int bStart, int bEnd, Object where, int line) {
        int aLen = toBytes(s, aStart, aEnd, 0, where, line);
        int bLen = toBytes(s, bStart, bEnd, aLen, where, line);
        int l = vocab.idOf(buf, 0, aLen);
        int r = vocab.idOf(buf, aLen, bLen);
        int m = vocab.idOf(buf, 0, aLen + bLen);
        if (l < 0 || r < 0 || m < 0) {
            String a = s.substring(aStart, aEnd);
            String b = s.substring(bStart, bEnd);
            throw new ModelFormatException(place(where, line) + (l < 0 || r < 0
                    ? ": the merge names '" + (l < 0 ? a : b) + "', which is not a token of the vocabulary"
                    : ": the merge '" + a + " " + b + "' makes '" + a + b + "', which is not a token of the vocabulary"));
        }
        if (n == left.length) {
            left = Arrays.copyOf(left, n * 2);
            right = Arrays.copyOf(right, n * 2);
            merged = Arrays.copyOf(merged, n * 2);
        }
        left[n] = l;
        right[n] = r;
        merged[n] = m;
        n++;
    }

    // The bytes of the alphabet-written token s[from, to) into buf at off; a character outside the alphabet is an
    // unknown token.
    private int toBytes(String s, int from, int to, int off, Object where, int line) {
        int len = to - from;
        if (buf.length < off + len) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, off + len));
        }
        for (int i = 0; i < len; i++) {
            int b = ByteLevelAlphabet.byteOf(s.charAt(from + i));
            if (b < 0) {
                throw new ModelFormatException(place(where, line) + ": the merge names '" + s.substring(from, to)
                        + "', which is not a token of the vocabulary");
            }
            buf[off + i] = (byte) b;
        }
        return len;
    }

    private static String place(Object where, int line) {
        return line > 0 ? where + " line " + line : where.toString();
    }

    int size() {
        return n;
    }

    BpeModel model(BpeModel.Order order, boolean ignoreMerges) {
        return new BpeModel(vocab, Arrays.copyOf(left, n), Arrays.copyOf(right, n), Arrays.copyOf(merged, n), order,
                ignoreMerges);
    }
}
