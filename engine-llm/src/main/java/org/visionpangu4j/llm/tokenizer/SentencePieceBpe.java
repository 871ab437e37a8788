package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.llm.tokenizer.SentencePieceModel.ModelType;
import org.visionpangu4j.llm.tokenizer.SentencePieceModel.NormalizerSpec;
import org.visionpangu4j.llm.tokenizer.SentencePieceModel.PieceType;
import org.visionpangu4j.llm.tokenizer.SentencePieceModel.TrainerSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SentencePiece BPE encoding of one text span, behaving as sentencepiece's normalizer.cc + bpe_model.cc +
 * byte fallback in sentencepiece_processor.cc:
 * <ol>
 *   <li>normalise: identity character map, optional removal of extra whitespace, dummy {@code ▁} prefix (or suffix),
 *       space → {@code ▁}; user-defined symbols pass through unchanged;</li>
 *   <li>split into characters (user-defined symbols as single frozen symbols);</li>
 *   <li>repeatedly merge the adjacent pair whose concatenation is a piece with the highest score (leftmost on
 *       ties), using a heap of candidate pairs and lazy invalidation;</li>
 *   <li>map symbols to ids; a symbol that is not a piece becomes {@code <0xNN>} byte pieces (byte fallback) or
 *       {@code <unk>} (consecutive unknowns merged into one).</li>
 * </ol>
 * {@code split_digits} is a training option: the vocabulary simply has no multi-digit pieces, and sentencepiece
 * does not consult it when encoding, so neither do we. Models whose normaliser carries a precompiled charsmap and
 * non-BPE models are refused, never silently encoded differently.
 *
 * <p>Immutable and thread-safe; every call allocates its own scratch arrays.
 */
final class SentencePieceBpe {
    static final char SPACE_SYMBOL = '\u2581';

    private final SentencePieceModel model;
    private final PieceType[] types;
    private final PieceTable mergeable;   // NORMAL / USER_DEFINED / UNUSED: the pieces a merge may produce
    private final PieceTable byPiece;     // piece → id as PieceToId: reserved pieces first, then mergeable
    private final int[] sortScore;        // score mapped to an int whose order is the float order
    private final int[] byteId = new int[256];
    private final int[] byteOf;           // id → byte value, or -1
    private final int unkId;
    private final PrefixTrie userDefined;
    private final boolean byteFallback;
    private final boolean addDummyPrefix;
    private final boolean removeExtraWhitespaces;
    private final boolean escapeWhitespaces;
    private final boolean whitespaceAsSuffix;
    private final String unkSurface;

    SentencePieceBpe(SentencePieceModel m) {
        this.model = m;
        String src = m.source();
        TrainerSpec t = m.trainer();
        NormalizerSpec norm = m.normalizer();
        if (t.modelType() != ModelType.BPE) {
            throw new UnsupportedModelException(src + ": SentencePiece model_type " + t.modelType()
                    + " is not supported; only BPE models are implemented");
        }
        if (norm.precompiledCharsmap().length > 0) {
            throw new UnsupportedModelException(src + ": normalizer '" + norm.name() + "' carries a "
                    + norm.precompiledCharsmap().length + "-byte precompiled charsmap; charsmap normalisation is not"
                    + " implemented, and ignoring it would encode differently from sentencepiece");
        }
        NormalizerSpec denorm = m.denormalizer();
        if (denorm != null && denorm.precompiledCharsmap().length > 0) {
            throw new UnsupportedModelException(src + ": the model has a de-normalizer charsmap ('"
                    + denorm.name() + "'); de-normalisation is not implemented");
        }
        int n = m.size();
        types = new PieceType[n];
        sortScore = new int[n];
        byteOf = new int[n];
        mergeable = new PieceTable(n);
        byPiece = new PieceTable(n);
        java.util.Arrays.fill(byteId, -1);
        PieceTable reserved = new PieceTable(n);
        Map<String, Integer> userSymbols = new HashMap<>();
        int unk = -1;
        for (int id = 0; id < n; id++) {
            PieceType type = m.type(id);
            String piece = m.piece(id);
            float score = m.score(id);
            if (Float.isNaN(score)) {
                throw new ModelFormatException(src + ": piece " + id + " '" + piece + "' has a NaN score");
            }
            types[id] = type;
            sortScore[id] = sortable(score);
            byteOf[id] = -1;
            boolean normal = type == PieceType.NORMAL || type == PieceType.USER_DEFINED || type == PieceType.UNUSED;
            if (!(normal ? mergeable : reserved).putIfAbsent(piece, id)) {
                throw new ModelFormatException(src + ": piece '" + piece + "' (id " + id + ") is already defined");
            }
            switch (type) {
                case USER_DEFINED -> userSymbols.put(piece, id);
                case UNKNOWN -> {
                    if (unk >= 0) {
                        throw new ModelFormatException(src + ": two UNKNOWN pieces (ids " + unk + " and " + id + ")");
                    }
                    unk = id;
                }
                case BYTE -> {
                    if (!t.byteFallback()) {
                        throw new ModelFormatException(src + ": byte piece '" + piece + "' (id " + id
                                + ") found although byte_fallback is false");
                    }
                    int b = parseBytePiece(piece);
                    if (b < 0) {
                        throw new ModelFormatException(src + ": byte piece '" + piece + "' (id " + id
                                + ") is not of the form <0xNN>");
                    }
                    byteId[b] = id;
                    byteOf[id] = b;
                }
                default -> {
                }
            }
        }
        if (unk < 0) {
            throw new ModelFormatException(src + ": the model defines no UNKNOWN piece");
        }
        if (t.byteFallback()) {
            for (int b = 0; b < 256; b++) {
                if (byteId[b] < 0) {
                    throw new ModelFormatException(src + ": byte_fallback is on but byte piece <0x"
                            + String.format("%02X", b) + "> is missing");
                }
            }
        }
        // PieceToId looks in the reserved map first, then among the normal pieces.
        for (int id = 0; id < n; id++) {
            if (!isNormalType(types[id])) {
                byPiece.putIfAbsent(m.piece(id), id);
            }
        }
        for (int id = 0; id < n; id++) {
            if (isNormalType(types[id])) {
                byPiece.putIfAbsent(m.piece(id), id);
            }
        }
        this.unkId = unk;
        this.userDefined = new PrefixTrie(userSymbols);
        this.byteFallback = t.byteFallback();
        this.addDummyPrefix = norm.addDummyPrefix();
        this.removeExtraWhitespaces = norm.removeExtraWhitespaces();
        this.escapeWhitespaces = norm.escapeWhitespaces();
        this.whitespaceAsSuffix = t.treatWhitespaceAsSuffix();
        this.unkSurface = t.unkSurface();
    }

    private static boolean isNormalType(PieceType t) {
        return t == PieceType.NORMAL || t == PieceType.USER_DEFINED || t == PieceType.UNUSED;
    }

    /** "&lt;0xNN&gt;" (upper-case hex, as sentencepiece writes it) → NN, else -1. */
    static int parseBytePiece(String p) {
        if (p.length() != 6 || !p.startsWith("<0x") || p.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(p.charAt(3), 16);
        int lo = Character.digit(p.charAt(4), 16);
        if (hi < 0 || lo < 0 || Character.isLowerCase(p.charAt(3)) || Character.isLowerCase(p.charAt(4))) {
            return -1;
        }
        return hi * 16 + lo;
    }

    // Float order as int order; -0.0 counts as 0.0 because C++ compares the floats with '<'.
    private static int sortable(float score) {
        int bits = Float.floatToIntBits(score + 0.0f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    // ---------------------------------------------------------------- normalisation

    /** Normalised text in {@code chars[0, length)}. */
    record Normalized(char[] chars, int length) {
    }

    /** As normalizer.cc {@code Normalize} with an identity character map. */
    Normalized normalize(String in) {
        int n = in.length();
        char[] out = new char[n + 2];
        int k = 0;
        if (n == 0) {
            return new Normalized(out, 0);
        }
        int pos = 0;
        if (removeExtraWhitespaces) {
            while (pos < n && unitIsSpace(in, pos)) {
                pos += 1;
            }
            if (pos == n) {
                return new Normalized(out, 0);
            }
        }
        char ws = escapeWhitespaces ? SPACE_SYMBOL : ' ';
        if (!whitespaceAsSuffix && addDummyPrefix) {
            out[k++] = ws;
        }
        boolean prevSpace = removeExtraWhitespaces;
        while (pos < n) {
            // One normalisation unit: a user-defined symbol, one code point, or U+FFFD for a lone surrogate.
            int unitLen = userDefined.isEmpty() ? 0 : PrefixTrie.length(userDefined.longestMatch(in, pos, n));
            boolean replaced = false;
            if (unitLen == 0) {
                char c = in.charAt(pos);
                if (Character.isHighSurrogate(c) && pos + 1 < n && Character.isLowSurrogate(in.charAt(pos + 1))) {
                    unitLen = 2;
                } else {
                    unitLen = 1;
                    replaced = Character.isSurrogate(c);
                }
            }
            int from = pos;
            int to = pos + unitLen;
            if (replaced) {
                out[k++] = '\uFFFD';
                prevSpace = false;
            } else {
                while (prevSpace && from < to && in.charAt(from) == ' ') {
                    from++;
                }
                if (from < to) {
                    for (int i = from; i < to; i++) {
                        char c = in.charAt(i);
                        out[k++] = escapeWhitespaces && c == ' ' ? SPACE_SYMBOL : c;
                    }
                    prevSpace = in.charAt(to - 1) == ' ';
                }
            }
            pos += unitLen;
            if (!removeExtraWhitespaces) {
                prevSpace = false;
            }
        }
        if (removeExtraWhitespaces) {
            while (k > 0 && out[k - 1] == ws) {
                k--;
            }
        }
        if (whitespaceAsSuffix && addDummyPrefix) {
            out[k++] = ws;
        }
        return new Normalized(out, k);
    }

    // True when the normalisation unit at pos is exactly " " (a single space that no user symbol starts with).
    private boolean unitIsSpace(String in, int pos) {
        if (in.charAt(pos) != ' ') {
            return false;
        }
        return userDefined.isEmpty() || PrefixTrie.length(userDefined.longestMatch(in, pos, in.length())) <= 1;
    }

    // ---------------------------------------------------------------- BPE

    /**
     * Encodes {@code text} (one span, no added tokens inside) and appends ids — and, if {@code pieces} is not null,
     * the piece strings — exactly as {@code SentencePieceProcessor::Encode} would.
     */
    void encode(String text, IntList ids, List<String> pieces) {
        Normalized norm = normalize(text);
        int n = norm.length();
        if (n == 0) {
            return;
        }
        char[] s = norm.chars();

        // Initial symbols: user-defined symbols (frozen) or single code points.
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] frozen = new boolean[n];
        int count = 0;
        for (int p = 0; p < n; ) {
            int l = userDefined.isEmpty() ? 0 : PrefixTrie.length(userDefined.longestMatch(s, p, n));
            frozen[count] = l > 0;
            if (l == 0) {
                l = Character.isHighSurrogate(s[p]) && p + 1 < n && Character.isLowSurrogate(s[p + 1]) ? 2 : 1;
            }
            start[count] = p;
            len[count] = l;
            prev[count] = count - 1;
            p += l;
            next[count] = p < n ? count + 1 : -1;
            count++;
        }

        Merger merger = new Merger(s, start, len, prev, next, frozen, Math.max(16, count));
        for (int i = 1; i < count; i++) {
            merger.maybeAdd(i - 1, i);
        }
        merger.run();

        Emitter out = new Emitter(s, ids, pieces, merger.revMerge);
        for (int i = 0; i != -1; i = next[i]) {
            out.resegment(start[i], len[i]);
        }
    }

    /** The merge loop of bpe_model.cc over one symbol sequence. */
    private final class Merger {
        final char[] s;
        final int[] start;
        final int[] len;
        final int[] prev;
        final int[] next;
        final boolean[] frozen;
        // Max-heap of candidate pairs: key = (score order << 32) | ~left, so higher score wins, then lower left.
        long[] key;
        int[] right;
        int[] size;
        int heapSize;
        Map<String, int[]> revMerge;   // merged UNUSED piece → {leftStart, leftLen, rightStart, rightLen}

        Merger(char[] s, int[] start, int[] len, int[] prev, int[] next, boolean[] frozen, int capacity) {
            this.s = s;
            this.start = start;
            this.len = len;
            this.prev = prev;
            this.next = next;
            this.frozen = frozen;
            key = new long[capacity];
            right = new int[capacity];
            size = new int[capacity];
        }

        void maybeAdd(int l, int r) {
            if (l == -1 || r == -1 || frozen[l] || frozen[r]) {
                return;
            }
            int total = len[l] + len[r];
            int id = mergeable.get(s, start[l], total);
            if (id < 0) {
                return;
            }
            push(((long) sortScore[id] << 32) | (~l & 0xFFFFFFFFL), r, total);
            if (types[id] == PieceType.UNUSED) {
                // Recorded at push time and overwritten by later pushes, as sentencepiece does.
                if (revMerge == null) {
                    revMerge = new HashMap<>();
                }
                revMerge.put(new String(s, start[l], total), new int[] {start[l], len[l], start[r], len[r]});
            }
        }

        void run() {
            while (heapSize > 0) {
                int l = ~(int) key[0];
                int r = right[0];
                int total = size[0];
                pop();
                // Stale pair: one side was merged away or grew since the pair was pushed.
                if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != total) {
                    continue;
                }
                len[l] = total;
                next[l] = next[r];
                if (next[r] >= 0) {
                    prev[next[r]] = l;
                }
                len[r] = 0;
                maybeAdd(prev[l], l);
                maybeAdd(l, next[l]);
            }
        }

        private void push(long k, int r, int total) {
            if (heapSize == key.length) {
                int cap = key.length * 2;
                key = java.util.Arrays.copyOf(key, cap);
                right = java.util.Arrays.copyOf(right, cap);
                size = java.util.Arrays.copyOf(size, cap);
            }
            int i = heapSize++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (key[parent] >= k) {
                    break;
                }
                move(parent, i);
                i = parent;
            }
            key[i] = k;
            right[i] = r;
            size[i] = total;
        }

        private void pop() {
            int last = --heapSize;
            if (last == 0) {
                return;
            }
            long k = key[last];
            int r = right[last];
            int total = size[last];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= last) {
                    break;
                }
                if (child + 1 < last && key[child + 1] > key[child]) {
                    child++;
                }
                if (key[child] <= k) {
                    break;
                }
                move(child, i);
                i = child;
            }
            key[i] = k;
            right[i] = r;
            size[i] = total;
        }

        private void move(int from, int to) {
            key[to] = key[from];
            right[to] = right[from];
            size[to] = size[from];
        }
    }

    /** Maps final symbols to ids: resegments UNUSED pieces, then byte fallback or unknown merging. */
    private final class Emitter {
        final char[] s;
        final IntList ids;
        final List<String> pieces;
        final Map<String, int[]> revMerge;
        boolean prevUnknown;

        Emitter(char[] s, IntList ids, List<String> pieces, Map<String, int[]> revMerge) {
            this.s = s;
            this.ids = ids;
            this.pieces = pieces;
            this.revMerge = revMerge;
        }

        void resegment(int from, int length) {
            int id = byPiece.get(s, from, length);
            if (id < 0) {
                id = unkId;
            }
            if (types[id] == PieceType.UNUSED && revMerge != null) {
                int[] split = revMerge.get(new String(s, from, length));
                if (split != null) {
                    resegment(split[0], split[1]);
                    resegment(split[2], split[3]);
                    return;
                }
            }
            emit(from, length, id);
        }

        private void emit(int from, int length, int id) {
            boolean unknown = types[id] == PieceType.UNKNOWN;
            if (unknown && byteFallback) {
                emitUtf8Bytes(from, length);
            } else if (unknown && prevUnknown) {
                // sentencepiece merges a run of unknown pieces into one <unk>.
                if (pieces != null) {
                    int last = pieces.size() - 1;
                    pieces.set(last, pieces.get(last) + new String(s, from, length));
                }
            } else {
                ids.add(id);
                if (pieces != null) {
                    pieces.add(new String(s, from, length));
                }
            }
            prevUnknown = unknown;
        }

        private void emitUtf8Bytes(int from, int length) {
            int end = from + length;
            for (int i = from; i < end; ) {
                int cp = Character.codePointAt(s, i, end);
                i += Character.charCount(cp);
                if (cp < 0x80) {
                    emitByte(cp);
                } else if (cp < 0x800) {
                    emitByte(0xC0 | cp >> 6);
                    emitByte(0x80 | cp & 0x3F);
                } else if (cp < 0x10000) {
                    emitByte(0xE0 | cp >> 12);
                    emitByte(0x80 | cp >> 6 & 0x3F);
                    emitByte(0x80 | cp & 0x3F);
                } else {
                    emitByte(0xF0 | cp >> 18);
                    emitByte(0x80 | cp >> 12 & 0x3F);
                    emitByte(0x80 | cp >> 6 & 0x3F);
                    emitByte(0x80 | cp & 0x3F);
                }
            }
        }

        private void emitByte(int b) {
            int id = byteId[b];
            ids.add(id);
            if (pieces != null) {
                pieces.add(model.piece(id));
            }
        }
    }

    // ---------------------------------------------------------------- queries used by decoding

    int size() {
        return types.length;
    }

    String piece(int id) {
        return model.piece(id);
    }

    PieceType type(int id) {
        return types[id];
    }

    /** The byte a BYTE piece stands for, or -1 for other pieces. */
    int byteValue(int id) {
        return byteOf[id];
    }

    /** Exact piece lookup as PieceToId, but -1 instead of unk when the piece does not exist. */
    int pieceId(String piece) {
        return byPiece.get(piece);
    }

    int unkId() {
        return unkId;
    }

    String unkSurface() {
        return unkSurface;
    }

    /** Whether decoding drops the {@code ▁} that starts a text (sentencepiece: dummy prefix or whitespace removal). */
    boolean stripsLeadingSpaceSymbol() {
        return addDummyPrefix || removeExtraWhitespaces;
    }

    boolean removesExtraWhitespaces() {
        return removeExtraWhitespaces;
    }

    SentencePieceModel model() {
        return model;
    }
}
