package org.visionpangu4j.llm.tokenizer;

/**
 * Byte-level BPE over one pre-token's bytes: start from the single-byte tokens and merge adjacent pairs by rank
 * (lower rank first) until no adjacent pair is a merge. A binary heap of {@code (rank, position)} candidates with
 * lazy invalidation over a doubly linked list of symbols makes it O(n log n) in the pre-token length.
 *
 * <p>Two orders, which agree for every merges file produced by BPE training (where a merge's parts come from
 * earlier merges, so a merge never creates a pair of lower rank) and differ only for hand-made ones:
 * <ul>
 *   <li>{@link Order#ROUNDS} — transformers' slow tokenizers ({@code bpe()} of GPT-2/Qwen2): take the lowest-ranked
 *       pair present, merge all its non-overlapping occurrences left to right, then look again. Pairs created
 *       during a round wait until it ends.</li>
 *   <li>{@link Order#QUEUE} — Hugging Face tokenizers ({@code Word::merge_all}): one priority queue ordered by
 *       (rank, position); pairs created by a merge compete at once; a queued entry is stale unless the pair now at
 *       its position yields the same token.</li>
 * </ul>
 * Immutable and thread-safe; scratch space comes from the caller.
 */
final class BpeModel {
    /** The order in which merges are applied; see the class comment. */
    enum Order { ROUNDS, QUEUE }

    private final ByteLevelVocab vocab;
    private final PairRankTable ranks;
    private final int[] mergedId;        // rank → id of the merged token
    private final Order order;
    private final boolean ignoreMerges;  // tokenizers' ignore_merges: a pre-token that is itself a token stays whole

    /**
     * {@code left[r]}, {@code right[r]} → {@code merged[r]} is the merge of rank {@code r} (ids in {@code vocab});
     * a pair listed twice keeps its last rank, as both transformers and tokenizers do.
     */
    BpeModel(ByteLevelVocab vocab, int[] left, int[] right, int[] merged, Order order, boolean ignoreMerges) {
        this.vocab = vocab;
        this.ranks = new PairRankTable(left.length);
        this.mergedId = merged.clone();
        for (int r = 0; r < left.length; r++) {
            ranks.put(left[r], right[r], r);
        }
        this.order = order;
        this.ignoreMerges = ignoreMerges;
    }

    ByteLevelVocab vocab() {
        return vocab;
    }

    /** Per-call scratch arrays, grown on demand. */
    static final class Scratch {
        int[] id = new int[64];
        int[] prev = new int[64];
        int[] next = new int[64];
        long[] heap = new long[64];
        long[] pending = new long[16];
        byte[] bytes = new byte[256];

        void ensure(int n) {
            if (id.length < n) {
                int cap = Math.max(n, id.length * 2);
                id = new int[cap];
                prev = new int[cap];
                next = new int[cap];
                heap = new long[cap];
            }
        }
    }

    /** Appends the token ids of the pre-token whose bytes are {@code w[0, len)} to {@code out}. */
    void encode(byte[] w, int len, IntList out, Scratch s) {
        if (len == 1) {
            out.add(vocab.byteToken(w[0] & 0xFF));
            return;
        }
        if (ignoreMerges) {
            int whole = vocab.idOf(w, 0, len);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        s.ensure(len);
        int[] id = s.id;
        int[] prev = s.prev;
        int[] next = s.next;
        for (int i = 0; i < len; i++) {
            id[i] = vocab.byteToken(w[i] & 0xFF);
            prev[i] = i - 1;
            next[i] = i + 1;
        }
        next[len - 1] = -1;
        Heap heap = new Heap(s);
        for (int i = 0; i + 1 < len; i++) {
            int r = ranks.get(id[i], id[i + 1]);
            if (r >= 0) {
                heap.push(r, i);
            }
        }
        heap.heapify();
        mergeAll(id, prev, next, heap);
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(id[i]);
        }
    }

    private void mergeAll(int[] id, int[] prev, int[] next, Heap heap) {
        boolean rounds = order == Order.ROUNDS;
        int round = -1;   // ROUNDS: the rank being merged
        while (true) {
            if (heap.isEmpty() || (rounds && heap.hasPending() && heap.topRank() != round)) {
                if (!heap.hasPending()) {
                    return;
                }
                heap.flushPending();   // the round is over: the pairs it created compete from now on
                continue;
            }
            long top = heap.pop();
            int r = (int) (top >>> 32);
            int p = (int) top;
            int q = next[p];
            if (id[p] < 0 || q < 0) {
                continue;   // merged away, or now the last symbol
            }
            int current = ranks.get(id[p], id[q]);
            if (rounds ? current != r : current < 0 || mergedId[current] != mergedId[r]) {
                continue;   // stale entry
            }
            round = r;
            id[p] = mergedId[r];
            id[q] = -1;
            next[p] = next[q];
            if (next[p] >= 0) {
                prev[next[p]] = p;
            }
            if (prev[p] >= 0) {
                int rl = ranks.get(id[prev[p]], id[p]);
                if (rl >= 0) {
                    heap.offer(rl, prev[p], rounds);
                }
            }
            if (next[p] >= 0) {
                int rr = ranks.get(id[p], id[next[p]]);
                if (rr >= 0) {
                    heap.offer(rr, p, rounds);
                }
            }
        }
    }

    /** A binary min-heap of {@code rank << 32 | position}, with a side list for pairs deferred to the next round. */
    private static final class Heap {
        private final Scratch s;
        private long[] a;
        private int n;
        private int pendingN;

        Heap(Scratch s) {
            this.s = s;
            this.a = s.heap;
        }

        boolean isEmpty() {
            return n == 0;
        }

        boolean hasPending() {
            return pendingN > 0;
        }

        int topRank() {
            return (int) (a[0] >>> 32);
        }

        /** Adds without restoring heap order (then {@link #heapify}). */
        void push(int rank, int pos) {
            a[n++] = ((long) rank << 32) | pos;
        }

        void heapify() {
            for (int i = n / 2 - 1; i >= 0; i--) {
                siftDown(i);
            }
        }

        void offer(int rank, int pos, boolean defer) {
            long v = ((long) rank << 32) | pos;
            if (defer) {
                if (pendingN == s.pending.length) {
                    s.pending = java.util.Arrays.copyOf(s.pending, pendingN * 2);
                }
                s.pending[pendingN++] = v;
            } else {
                insert(v);
            }
        }

        void flushPending() {
            for (int i = 0; i < pendingN; i++) {
                insert(s.pending[i]);
            }
            pendingN = 0;
        }

        long pop() {
            long top = a[0];
            a[0] = a[--n];
            siftDown(0);
            return top;
        }

        private void insert(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
                s.heap = a;
            }
            int i = n++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) {
                    break;
                }
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        private void siftDown(int i) {
            long v = a[i];
            while (true) {
                int c = 2 * i + 1;
                if (c >= n) {
                    break;
                }
                if (c + 1 < n && a[c + 1] < a[c]) {
                    c++;
                }
                if (a[c] >= v) {
                    break;
                }
                a[i] = a[c];
                i = c;
            }
            a[i] = v;
        }
    }
}
