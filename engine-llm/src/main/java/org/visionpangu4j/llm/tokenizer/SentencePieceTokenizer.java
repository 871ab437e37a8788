package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.VisionPanguException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The model's tokenizer as the Hugging Face slow tokenizer of openPangu uses it: a SentencePiece BPE model
 * ({@code tokenizer.model}) plus added tokens and special-token settings from the JSON side files.
 *
 * <p>Encoding: the text is first cut at every added token (leftmost-longest match, no whitespace stripping); each
 * remaining non-empty span is encoded by SentencePiece on its own, so every span gets its own dummy {@code ▁};
 * BOS (and EOS) are added as {@code tokenizer_config.json} says.
 *
 * <p>Decoding: added tokens are emitted verbatim and end the current run of ordinary pieces; each run is decoded by
 * SentencePiece rules (see {@link PieceRunDecoder}); with {@code skipSpecialTokens} the special tokens (bos, eos,
 * unk, pad and additional_special_tokens) are dropped without ending the run; no spaces are added between tokens
 * and no clean-up is applied.
 *
 * <p>Immutable and thread-safe.
 */
public final class SentencePieceTokenizer extends DecodingTokenizer {
    private final Path source;
    private final SentencePieceBpe sp;
    private final int vocabSize;
    private final String[] added;        // id → added-token content; null for ordinary pieces
    private final boolean[] special;     // ids dropped by skipSpecialTokens
    private final Map<String, Integer> addedIds;
    private final PrefixTrie addedTrie;
    private final boolean addBos;
    private final boolean addEos;
    private final int bosId;             // -1 when the tokenizer has none
    private final int eosId;

    private SentencePieceTokenizer(Path source, SentencePieceBpe sp, TokenizerConfig cfg) {
        this.source = source;
        this.sp = sp;
        Map<String, Integer> ids = new HashMap<>();
        cfg.addedTokens().forEach((id, content) -> ids.put(content, id));
        // Special tokens that are not yet added tokens become added tokens, as transformers does at load time.
        List<String> specials = new ArrayList<>();
        for (String t : new String[] {cfg.bosToken(), cfg.eosToken(), cfg.unkToken(), cfg.padToken()}) {
            if (t != null) {
                specials.add(t);
            }
        }
        specials.addAll(cfg.additionalSpecial());
        for (String t : specials) {
            if (!ids.containsKey(t)) {
                int id = sp.pieceId(t);
                if (id < 0) {
                    throw new ModelFormatException(source + ": special token '" + t
                            + "' is neither an added token nor a SentencePiece piece");
                }
                ids.put(t, id);
            }
        }
        int size = sp.size();
        for (int id : ids.values()) {
            size = Math.max(size, id + 1);
        }
        this.vocabSize = size;
        this.added = new String[size];
        ids.forEach((content, id) -> added[id] = content);
        this.special = new boolean[size];
        for (String t : specials) {
            special[ids.get(t)] = true;
        }
        this.addedIds = Collections.unmodifiableMap(ids);
        this.addedTrie = new PrefixTrie(ids);
        this.addBos = cfg.addBos();
        this.addEos = cfg.addEos();
        SentencePieceModel.TrainerSpec t = sp.model().trainer();
        this.bosId = resolve(cfg.bosToken(), t.bosId(), "bos_token", cfg.addBos());
        this.eosId = resolve(cfg.eosToken(), t.eosId(), "eos_token", cfg.addEos());
    }

    // The configured token's id, else the SentencePiece model's own id for that role (-1 if it has none).
    private int resolve(String token, int spId, String what, boolean required) {
        int id = token != null ? addedIds.get(token) : (spId >= 0 && spId < sp.size() ? spId : -1);
        if (id < 0 && required) {
            throw new ModelFormatException(source + ": tokenizer_config.json asks to add the " + what
                    + " but the tokenizer defines none");
        }
        return id;
    }

    /**
     * Loads {@code tokenizer.model} and, when present, {@code tokenizer_config.json}, {@code special_tokens_map.json}
     * and {@code added_tokens.json} from {@code modelDir}.
     */
    public static SentencePieceTokenizer load(Path modelDir) {
        Path model = modelDir.resolve("tokenizer.model");
        if (!Files.isRegularFile(model)) {
            throw new ModelFormatException(modelDir + ": tokenizer.model not found");
        }
        SentencePieceBpe sp = new SentencePieceBpe(SentencePieceModel.read(model));
        return new SentencePieceTokenizer(modelDir, sp, TokenizerConfig.read(modelDir));
    }

    // ---------------------------------------------------------------- encoding

    /** Token ids of {@code text}, with BOS/EOS as {@code tokenizer_config.json} says. */
    @Override
    public int[] encode(String text) {
        return encode(text, true);
    }

    /** Token ids of {@code text}; {@code addSpecial} adds BOS/EOS as configured. */
    @Override
    public int[] encode(String text, boolean addSpecial) {
        IntList ids = new IntList(text.length() / 2 + 4);
        if (addSpecial && addBos) {
            ids.add(bosId);
        }
        split(text, ids, null);
        if (addSpecial && addEos) {
            ids.add(eosId);
        }
        return ids.toArray();
    }

    /** The token strings of {@code text} without BOS/EOS (SentencePiece pieces and added tokens). */
    @Override
    public List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        split(text, new IntList(16), pieces);
        return pieces;
    }

    // Cut at added tokens (leftmost-longest), encode each span in between on its own.
    private void split(String text, IntList ids, List<String> pieces) {
        int n = text.length();
        int spanStart = 0;
        int pos = 0;
        while (pos < n && !addedTrie.isEmpty()) {
            long m = addedTrie.longestMatch(text, pos, n);
            int len = PrefixTrie.length(m);
            if (len == 0) {
                pos++;
                continue;
            }
            if (pos > spanStart) {
                sp.encode(text.substring(spanStart, pos), ids, pieces);
            }
            int id = PrefixTrie.value(m);
            ids.add(id);
            if (pieces != null) {
                pieces.add(added[id]);
            }
            pos += len;
            spanStart = pos;
        }
        if (spanStart < n) {
            sp.encode(spanStart == 0 ? text : text.substring(spanStart), ids, pieces);
        }
    }

    // ---------------------------------------------------------------- decoding

    @Override
    Decoding newDecoding(boolean skipSpecialTokens) {
        return new SentencePieceDecoding(skipSpecialTokens);
    }

    /** Decoding state shared by {@link #decode} and {@link StreamingDecoder}. */
    final class SentencePieceDecoding implements Decoding {
        private final boolean skipSpecial;
        private final PieceRunDecoder run = new PieceRunDecoder(sp);

        SentencePieceDecoding(boolean skipSpecial) {
            this.skipSpecial = skipSpecial;
        }

        @Override
        public void accept(int id, StringBuilder out) {
            if (id < 0 || id >= vocabSize) {
                throw new VisionPanguException("token id " + id + " is outside the vocabulary [0, " + vocabSize + ")");
            }
            if (skipSpecial && special[id]) {
                return;
            }
            String token = added[id];
            if (token != null) {
                run.finish(out);
                out.append(token);
                run.reset();
            } else if (id < sp.size()) {
                run.accept(id, out);
            } else {
                throw new VisionPanguException("token id " + id + " has no token (a gap between the SentencePiece"
                        + " vocabulary and the added tokens of " + source + ")");
            }
        }

        @Override
        public void finish(StringBuilder out) {
            run.finish(out);
        }
    }

    // ---------------------------------------------------------------- vocabulary

    /** Number of ids: SentencePiece pieces plus added tokens (HF {@code len(tokenizer)}). */
    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** The id of an added token or SentencePiece piece written exactly as {@code token}. */
    @Override
    public OptionalInt tokenId(String token) {
        Integer id = addedIds.get(token);
        if (id != null) {
            return OptionalInt.of(id);
        }
        int p = sp.pieceId(token);
        return p >= 0 ? OptionalInt.of(p) : OptionalInt.empty();
    }

    /** The token string of {@code id}: the added token's content or the SentencePiece piece. */
    @Override
    public String token(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new VisionPanguException("token id " + id + " is outside the vocabulary [0, " + vocabSize + ")");
        }
        if (added[id] != null) {
            return added[id];
        }
        if (id >= sp.size()) {
            throw new VisionPanguException("token id " + id + " has no token");
        }
        return sp.piece(id);
    }

    /** Whether {@code id} is an added (or special) token, emitted verbatim when decoding. */
    @Override
    public boolean isAddedToken(int id) {
        return id >= 0 && id < vocabSize && added[id] != null;
    }

    /** Whether {@code id} is dropped by {@code skipSpecialTokens} (bos, eos, unk, pad, additional specials). */
    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && id < vocabSize && special[id];
    }

    /** The BOS id ({@code bos_token}), or -1 if the tokenizer has none. */
    @Override
    public int bosId() {
        return bosId;
    }

    /** The EOS id from {@code tokenizer_config.json}'s {@code eos_token} (openPangu: {@code [unused10]}), or -1. */
    @Override
    public int eosId() {
        return eosId;
    }

    public boolean addsBos() {
        return addBos;
    }

    public boolean addsEos() {
        return addEos;
    }
}
