package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.VisionPanguException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The byte-level BPE tokenizer of the Qwen2/Qwen2.5 vocabulary (InternVL2.5/InternVL3), in the semantics of either
 * transformers' slow {@code Qwen2Tokenizer} ({@link #loadSlow}: vocab.json + merges.txt + side files) or the Hugging
 * Face tokenizers library ({@link #loadTokenizerJson}: tokenizer.json).
 *
 * <p>Encoding: NFC-normalize; cut out the added tokens (leftmost-longest, special or not, honouring their
 * lstrip/rstrip/single_word flags as each library does); split the rest with the Qwen2 pre-tokenizer
 * ({@link Qwen2PreTokenizer}); map each piece to its UTF-8 bytes and merge them by rank ({@link BpeModel}). Nothing
 * is added: no BOS, no EOS, whatever {@code addSpecial} says (Qwen2Tokenizer adds none). A lone surrogate in the
 * input is encoded as U+FFFD (Python could not encode it at all).
 *
 * <p>Decoding: added tokens are emitted verbatim; every maximal run of regular tokens becomes bytes, decoded as
 * UTF-8 with one U+FFFD per maximal invalid subpart (Python {@code errors="replace"}); a token dropped by
 * {@code skipSpecialTokens} does not end the run. No spaces are inserted, no clean-up is applied. (Both libraries
 * actually push some added tokens through the byte decoder too; for added tokens written in ASCII, such as all of
 * Qwen2's, that gives the same text.)
 *
 * <p>The two semantics differ in:
 * <ul>
 *   <li>{@code skipSpecialTokens}: slow drops the special-token roles (bos/eos/unk/sep/pad/cls/mask) and
 *       {@code additional_special_tokens}; tokenizer.json drops every added token marked {@code special};</li>
 *   <li>normalization: slow normalizes the whole text first; tokenizers cuts out tokens marked
 *       {@code normalized: false} before normalizing (and matches {@code normalized: true} ones afterwards);</li>
 *   <li>the flags: slow strips the neighbouring text (Python {@code str.strip}) and glues a single_word token that
 *       touches a word to it; tokenizers moves the whitespace into the token and ignores a single_word match inside a
 *       word;</li>
 *   <li>merge order for hand-made merges files ({@link BpeModel.Order}); for trained ones they agree.</li>
 * </ul>
 * {@link #load} prefers the slow files when both are present, because InternVL's {@code chat()} uses the slow
 * tokenizer (and the fixtures' goldens are its output).
 *
 * <p>Immutable and thread-safe (the pre-token cache is lock-free and bounded).
 */
public final class ByteLevelBpeTokenizer extends DecodingTokenizer {
    /** Whose rules the tokenizer follows. */
    public enum Semantics {
        /** transformers' slow {@code Qwen2Tokenizer} (vocab.json + merges.txt). */
        SLOW,
        /** Hugging Face tokenizers (tokenizer.json). */
        FAST
    }

    private static final int CACHE_ENTRIES = 1 << 15;

    private final String source;
    private final Semantics semantics;
    private final BpeModel bpe;
    private final ByteLevelVocab vocab;
    private final int[] addedIds;              // sorted
    private final AddedToken[] added;          // by position in addedIds
    private final boolean[] drop;              // by position in addedIds: dropped by skipSpecialTokens
    private final Map<String, AddedToken> addedByContent = new HashMap<>();
    private final PrefixTrie rawTrie;          // SLOW: every added token; FAST: those with normalized=false
    private final PrefixTrie normalizedTrie;   // FAST: those with normalized=true
    private final boolean anyFlag;             // some added token has lstrip, rstrip or single_word
    private final boolean nfc;
    private final boolean splitSpecialTokens;
    private final int vocabSize;
    private final int bosId;
    private final int eosId;
    private final PreTokenCache cache = new PreTokenCache(CACHE_ENTRIES);

    private ByteLevelBpeTokenizer(ByteLevelBpeSpec spec) {
        this.source = spec.source();
        this.semantics = spec.semantics();
        this.bpe = spec.bpe();
        this.vocab = bpe.vocab();
        List<AddedToken> list = spec.added();
        this.addedIds = new int[list.size()];
        this.added = new AddedToken[list.size()];
        this.drop = new boolean[list.size()];
        Map<String, Integer> raw = new HashMap<>();
        Map<String, Integer> normalized = new HashMap<>();
        boolean flags = false;
        int max = vocab.size() - 1;
        for (int i = 0; i < added.length; i++) {
            AddedToken t = list.get(i);
            added[i] = t;
            addedIds[i] = t.id();
            drop[i] = spec.dropIds().contains(t.id());
            addedByContent.put(t.content(), t);
            boolean matchNormalized = semantics == Semantics.FAST && t.normalized();
            (matchNormalized ? normalized : raw).put(t.content(), i);
            flags |= t.lstrip() || t.rstrip() || t.singleWord();
            max = Math.max(max, t.id());
        }
        this.rawTrie = new PrefixTrie(raw);
        this.normalizedTrie = new PrefixTrie(normalized);
        this.anyFlag = flags;
        this.nfc = spec.nfc();
        this.splitSpecialTokens = spec.splitSpecialTokens();
        this.vocabSize = max + 1;
        this.bosId = spec.bosId();
        this.eosId = spec.eosId();
    }

    /**
     * Loads the tokenizer of {@code modelDir}: the slow files (vocab.json + merges.txt, see {@link #loadSlow}) when
     * present, else tokenizer.json ({@link #loadTokenizerJson}).
     */
    public static ByteLevelBpeTokenizer load(Path modelDir) {
        boolean vocab = Files.isRegularFile(modelDir.resolve("vocab.json"));
        boolean merges = Files.isRegularFile(modelDir.resolve("merges.txt"));
        if (vocab || merges) {
            return loadSlow(modelDir);   // names the missing one of the pair
        }
        if (Files.isRegularFile(modelDir.resolve("tokenizer.json"))) {
            return loadTokenizerJson(modelDir.resolve("tokenizer.json"));
        }
        throw new ModelFormatException(modelDir + ": no byte-level BPE tokenizer (vocab.json + merges.txt, or"
                + " tokenizer.json)");
    }

    /**
     * Loads vocab.json, merges.txt and (when present) tokenizer_config.json, special_tokens_map.json and
     * added_tokens.json from {@code modelDir}, with transformers' slow Qwen2Tokenizer semantics.
     */
    public static ByteLevelBpeTokenizer loadSlow(Path modelDir) {
        return new ByteLevelBpeTokenizer(SlowBpeFiles.read(modelDir));
    }

    /**
     * Loads a tokenizers {@code tokenizer.json} (and the EOS/BOS roles from a tokenizer_config.json beside it),
     * with the tokenizers library's semantics.
     */
    public static ByteLevelBpeTokenizer loadTokenizerJson(Path tokenizerJson) {
        return new ByteLevelBpeTokenizer(TokenizerJsonFile.read(tokenizerJson));
    }

    /** Whose rules this tokenizer follows. */
    public Semantics semantics() {
        return semantics;
    }

    // ---------------------------------------------------------------- encoding

    /** Token ids of {@code text}; nothing is added ({@code addSpecial} has no effect: Qwen2 has no BOS/EOS to add). */
    @Override
    public int[] encode(String text, boolean addSpecial) {
        IntList ids = new IntList(text.length() / 3 + 4);
        Encoder e = new Encoder(ids);
        if (semantics == Semantics.SLOW) {
            encodeSlow(text, e);
        } else {
            encodeFast(text, e);
        }
        return ids.toArray();
    }

    /** The token strings of {@code text}: regular tokens in the byte-level alphabet, added tokens as written. */
    @Override
    public List<String> pieces(String text) {
        int[] ids = encode(text, false);
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(token(id));
        }
        return out;
    }

    // transformers' PreTrainedTokenizer.tokenize: normalize all, split at added tokens, apply the flags to the
    // neighbouring text, encode each text part.
    private void encodeSlow(String text, Encoder e) {
        String t = nfc ? nfc(text) : text;
        if (splitSpecialTokens || rawTrie.isEmpty()) {
            e.text(t, 0, t.length());
            return;
        }
        if (!anyFlag) {
            int start = 0;
            for (int pos = 0; pos < t.length(); ) {
                long m = rawTrie.longestMatch(t, pos, t.length());
                int len = PrefixTrie.length(m);
                if (len == 0) {
                    pos++;
                    continue;
                }
                e.text(t, start, pos);
                e.ids.add(added[PrefixTrie.value(m)].id());
                pos += len;
                start = pos;
            }
            e.text(t, start, t.length());
            return;
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int pos = 0; pos < t.length(); ) {
            int len = PrefixTrie.length(rawTrie.longestMatch(t, pos, t.length()));
            if (len == 0) {
                pos++;
                continue;
            }
            if (pos > start) {
                parts.add(t.substring(start, pos));
            }
            parts.add(t.substring(pos, pos + len));
            pos += len;
            start = pos;
        }
        if (start < t.length()) {
            parts.add(t.substring(start));
        }
        applySlowFlags(parts);
        for (String part : parts) {
            AddedToken a = addedByContent.get(part);
            if (a != null) {
                e.ids.add(a.id());
            } else {
                e.text(part, 0, part.length());
            }
        }
    }

    // The flag handling of PreTrainedTokenizer.tokenize, step for step (parts that became empty are skipped later).
    private void applySlowFlags(List<String> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            AddedToken t = addedByContent.get(token);
            if (t == null) {
                continue;
            }
            String left = i > 0 ? tokens.get(i - 1) : null;
            String right = i < tokens.size() - 1 ? tokens.get(i + 1) : null;
            if (t.rstrip() && right != null && !right.isEmpty()) {
                tokens.set(i + 1, PyText.lstrip(right));   // the token eats the spaces on its right
            }
            if (t.lstrip() && left != null && !left.isEmpty()) {
                tokens.set(i - 1, PyText.rstrip(left));
            }
            if (t.singleWord() && left != null && !left.isEmpty() && left.charAt(left.length() - 1) != ' ') {
                tokens.set(i - 1, left + token);
                tokens.set(i, "");
            } else if (t.singleWord() && right != null && !right.isEmpty() && right.charAt(0) != ' ') {
                tokens.set(i, token + right);
                tokens.set(i + 1, "");
            }
        }
        tokens.removeIf(String::isEmpty);
    }

    // tokenizers' AddedVocabulary.extract_and_normalize: cut the normalized=false tokens out of the raw text,
    // normalize each remaining part, cut the normalized=true tokens out of that, encode the rest.
    private void encodeFast(String text, Encoder e) {
        for (Split s : findMatches(text, rawTrie)) {
            if (s.token >= 0) {
                e.ids.add(added[s.token].id());
                continue;
            }
            String part = text.substring(s.start, s.stop);
            String normalized = nfc ? nfc(part) : part;
            for (Split n : findMatches(normalized, normalizedTrie)) {
                if (n.token >= 0) {
                    e.ids.add(added[n.token].id());
                } else {
                    e.text(normalized, n.start, n.stop);
                }
            }
        }
    }

    /** A part of the text: {@code [start, stop)}, an added token (index into {@code added}) or text (-1). */
    private record Split(int token, int start, int stop) {
    }

    // AddedVocabulary::find_matches: leftmost-longest non-overlapping matches, then single_word / lstrip / rstrip.
    private List<Split> findMatches(String s, PrefixTrie trie) {
        List<Split> splits = new ArrayList<>();
        if (s.isEmpty()) {
            return splits;
        }
        int startOffset = 0;
        for (int pos = 0; pos < s.length() && !trie.isEmpty(); ) {
            long m = trie.longestMatch(s, pos, s.length());
            int len = PrefixTrie.length(m);
            if (len == 0) {
                pos++;
                continue;
            }
            int index = PrefixTrie.value(m);
            AddedToken t = added[index];
            int start = pos;
            int stop = pos + len;
            pos = stop;
            if (t.singleWord()) {
                boolean startSpace = start == 0 || !isWordChar(s.codePointBefore(start));
                boolean stopSpace = stop == s.length() || !isWordChar(s.codePointAt(stop));
                if (!startSpace || !stopSpace) {
                    continue;   // inside a word: not this token
                }
            }
            if (t.lstrip()) {
                int newStart = start;
                // tokenizers scans to the start of the text; stopping at startOffset gives the same max() below.
                while (newStart > startOffset && Qwen2PreTokenizer.isWhiteSpace(s.codePointBefore(newStart))) {
                    newStart -= Character.charCount(s.codePointBefore(newStart));
                }
                start = Math.max(newStart, startOffset);
            }
            if (t.rstrip()) {
                while (stop < s.length() && Qwen2PreTokenizer.isWhiteSpace(s.codePointAt(stop))) {
                    stop += Character.charCount(s.codePointAt(stop));
                }
            }
            if (startOffset < start) {
                splits.add(new Split(-1, startOffset, start));
            }
            splits.add(new Split(index, start, stop));
            startOffset = stop;
        }
        if (startOffset < s.length()) {
            splits.add(new Split(-1, startOffset, s.length()));
        }
        return splits;
    }

    // Rust regex's Unicode \w: Alphabetic, marks, decimal digits, connector punctuation, ZWNJ/ZWJ.
    private static boolean isWordChar(int c) {
        if (Character.isAlphabetic(c) || c == 0x200C || c == 0x200D) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.CONNECTOR_PUNCTUATION;
    }

    static String nfc(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x300) {   // below U+0300 every character is NFC-stable and composes with nothing
                return Normalizer.normalize(s, Normalizer.Form.NFC);
            }
        }
        return s;
    }

    /** One encode call's output and scratch space: text → pre-tokens → (cached) BPE ids. */
    private final class Encoder {
        final IntList ids;
        final BpeModel.Scratch scratch = new BpeModel.Scratch();

        Encoder(IntList ids) {
            this.ids = ids;
        }

        void text(String s, int from, int to) {
            for (int pos = from; pos < to; ) {
                int end = Qwen2PreTokenizer.pieceEnd(s, pos, to);
                piece(s, pos, end);
                pos = end;
            }
        }

        private void piece(String s, int from, int to) {
            boolean cacheable = to - from <= PreTokenCache.MAX_KEY_LENGTH;
            int h = 0;
            if (cacheable) {
                h = PreTokenCache.hash(s, from, to);
                int[] hit = cache.get(s, from, to, h);
                if (hit != null) {
                    ids.addAll(hit);
                    return;
                }
            }
            int first = ids.size();
            int n = utf8(s, from, to);
            bpe.encode(scratch.bytes, n, ids, scratch);
            if (cacheable) {
                cache.put(s, from, to, h, ids.toArray(first));
            }
        }

        // UTF-8 of s[from, to) into scratch.bytes; a lone surrogate becomes U+FFFD.
        private int utf8(String s, int from, int to) {
            if (scratch.bytes.length < 3 * (to - from)) {
                scratch.bytes = new byte[3 * (to - from)];
            }
            byte[] b = scratch.bytes;
            int n = 0;
            for (int i = from; i < to; i++) {
                int c = s.charAt(i);
                if (c < 0x80) {
                    b[n++] = (byte) c;
                    continue;
                }
                if (Character.isHighSurrogate((char) c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    c = Character.toCodePoint((char) c, s.charAt(++i));
                } else if (Character.isSurrogate((char) c)) {
                    c = 0xFFFD;
                }
                if (c < 0x800) {
                    b[n++] = (byte) (0xC0 | (c >>> 6));
                } else if (c < 0x10000) {
                    b[n++] = (byte) (0xE0 | (c >>> 12));
                    b[n++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                } else {
                    b[n++] = (byte) (0xF0 | (c >>> 18));
                    b[n++] = (byte) (0x80 | ((c >>> 12) & 0x3F));
                    b[n++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                }
                b[n++] = (byte) (0x80 | (c & 0x3F));
            }
            return n;
        }
    }

    // ---------------------------------------------------------------- decoding

    @Override
    Decoding newDecoding(boolean skipSpecialTokens) {
        return new BpeDecoding(skipSpecialTokens);
    }

    /** Decoding state shared by {@link #decode} and {@link StreamingDecoder}. */
    private final class BpeDecoding implements Decoding {
        private final boolean skipSpecial;
        private final Utf8Replacing run = new Utf8Replacing();

        BpeDecoding(boolean skipSpecial) {
            this.skipSpecial = skipSpecial;
        }

        @Override
        public void accept(int id, StringBuilder out) {
            int a = addedIndex(checkRange(id));
            if (a >= 0) {
                if (skipSpecial && drop[a]) {
                    return;
                }
                run.finish(out);
                out.append(added[a].content());
            } else if (id < vocab.size()) {
                run.accept(vocab.pool(), vocab.offset(id), vocab.length(id), out);
            } else {
                throw noToken(id);
            }
        }

        @Override
        public void finish(StringBuilder out) {
            run.finish(out);
        }
    }

    // ---------------------------------------------------------------- vocabulary

    private int addedIndex(int id) {
        if (addedIds.length == 0 || id < addedIds[0]) {
            return -1;
        }
        int i = Arrays.binarySearch(addedIds, id);
        return i >= 0 ? i : -1;
    }

    private int checkRange(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new VisionPanguException("token id " + id + " is outside the vocabulary [0, " + vocabSize + ")");
        }
        return id;
    }

    private VisionPanguException noToken(int id) {
        return new VisionPanguException("token id " + id + " has no token (a gap between the regular vocabulary"
                + " and the added tokens of " + source + ")");
    }

    /** Number of ids: the largest regular or added id + 1 (HF {@code len(tokenizer)} when there are no gaps). */
    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** The id of an added token, or of a regular token written in the byte-level alphabet, exactly as given. */
    @Override
    public OptionalInt tokenId(String token) {
        AddedToken a = addedByContent.get(token);
        if (a != null) {
            return OptionalInt.of(a.id());
        }
        int id = vocab.idOf(token);
        return id >= 0 ? OptionalInt.of(id) : OptionalInt.empty();
    }

    /** The token string of {@code id}: the added token's content, or the regular token in the byte-level alphabet. */
    @Override
    public String token(int id) {
        int a = addedIndex(checkRange(id));
        if (a >= 0) {
            return added[a].content();
        }
        if (id >= vocab.size()) {
            throw noToken(id);
        }
        return vocab.token(id);
    }

    /** Whether {@code id} is an added token, emitted verbatim when decoding. */
    @Override
    public boolean isAddedToken(int id) {
        return addedIndex(id) >= 0;
    }

    /** Whether {@code skipSpecialTokens} drops {@code id} (the set depends on {@link #semantics()}). */
    @Override
    public boolean isSpecial(int id) {
        int a = addedIndex(id);
        return a >= 0 && drop[a];
    }

    /** The BOS id ({@code bos_token}), or -1 (Qwen2 has none). */
    @Override
    public int bosId() {
        return bosId;
    }

    /** The EOS id ({@code eos_token} of tokenizer_config.json: {@code <|im_end|>} for InternVL), or -1. */
    @Override
    public int eosId() {
        return eosId;
    }
}
