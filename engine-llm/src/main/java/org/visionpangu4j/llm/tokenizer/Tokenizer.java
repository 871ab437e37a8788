package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;

import java.util.List;
import java.util.OptionalInt;

/**
 * Text ↔ token ids as a model's Hugging Face tokenizer does it. Implementations: {@link SentencePieceTokenizer}
 * (openPangu's {@code tokenizer.model}) and {@link ByteLevelBpeTokenizer} (Qwen2's vocab.json + merges.txt or
 * tokenizer.json, for InternVL2.5/3). Immutable and thread-safe.
 */
public interface Tokenizer {

    /** Token ids of {@code text}, with BOS/EOS as the tokenizer's configuration says. */
    default int[] encode(String text) {
        return encode(text, true);
    }

    /** Token ids of {@code text}; {@code addSpecial} adds BOS/EOS as configured. */
    int[] encode(String text, boolean addSpecial);

    /** The token strings of {@code text} without BOS/EOS. */
    List<String> pieces(String text);

    /** The text of {@code ids}; {@code skipSpecialTokens} drops the tokens the tokenizer calls special. */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** An incremental decoder for streaming; the concatenation of its outputs equals {@link #decode}. */
    StreamingDecoder streamingDecoder(boolean skipSpecialTokens);

    /** Number of ids, added tokens included (HF {@code len(tokenizer)}). */
    int vocabSize();

    /** The id of an added token or a vocabulary entry written exactly as {@code token}. */
    OptionalInt tokenId(String token);

    /** The token string of {@code id}. */
    String token(int id);

    /** Whether {@code id} is an added token, emitted verbatim when decoding. */
    boolean isAddedToken(int id);

    /** Whether {@code id} is dropped by {@code skipSpecialTokens}. */
    boolean isSpecial(int id);

    /** The BOS id, or -1 if the tokenizer has none. */
    int bosId();

    /** The EOS id ({@code eos_token} of tokenizer_config.json), or -1. */
    int eosId();

    /** The InternVL image tokens' ids, which must be added tokens. */
    default ImageTokens imageTokens() {
        if (!hasImageTokens()) {
            throw new ModelFormatException("the tokenizer has no InternVL image tokens " + ImageTokens.IMG_START
                    + ", " + ImageTokens.IMG_END + ", " + ImageTokens.IMG_CONTEXT
                    + " among its added tokens (added_tokens.json / tokenizer_config.json)");
        }
        return new ImageTokens(tokenId(ImageTokens.IMG_START).getAsInt(), tokenId(ImageTokens.IMG_END).getAsInt(),
                tokenId(ImageTokens.IMG_CONTEXT).getAsInt());
    }

    /** Whether {@link #imageTokens()} would succeed. */
    default boolean hasImageTokens() {
        return isAddedToken(tokenId(ImageTokens.IMG_START).orElse(-1))
                && isAddedToken(tokenId(ImageTokens.IMG_END).orElse(-1))
                && isAddedToken(tokenId(ImageTokens.IMG_CONTEXT).orElse(-1));
    }
}
