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

    MergeList(ByteLevelVocab vocab) {
        this.vocab = vocab;
    }

    /** Appends the merge {@code a b}; {@code where} (file and line) prefixes any error. */
    void add(String a, String b, String where) {
        int l = id(a, where);
        int r = id(b, where);
        byte[] pool = vocab.pool();
        byte[] joined = new byte[vocab.length(l) + vocab.length(r)];
        System.arraycopy(pool, vocab.offset(l), joined, 0, vocab.length(l));
        System.arraycopy(pool, vocab.offset(r), joined, vocab.length(l), vocab.length(r));
        int m = vocab.idOf(joined, 0, joined.length);
        if (m < 0) {
            throw new ModelFormatException(where + ": the merge '" + a + " " + b + "' makes '" + a + b
                    + "', which is not a token of the vocabulary");
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

    private int id(String token, String where) {
        int id = vocab.idOf(token);
        if (id < 0) {
            throw new ModelFormatException(where + ": the merge names '" + token
                    + "', which is not a token of the vocabulary");
        }
        return id;
    }

    int size() {
        return n;
    }

    BpeModel model(BpeModel.Order order, boolean ignoreMerges) {
        return new BpeModel(vocab, Arrays.copyOf(left, n), Arrays.copyOf(right, n), Arrays.copyOf(merged, n), order,
                ignoreMerges);
    }
}
