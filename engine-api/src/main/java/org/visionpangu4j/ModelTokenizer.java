package org.visionpangu4j;

import org.visionpangu4j.llm.tokenizer.Tokenizer;
import org.visionpangu4j.model.ModelFamilies;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A model's tokenizer, as its family defines it (SentencePiece for VisionPangu), exactly as the upstream Hugging
 * Face tokenizer encodes and decodes. Immutable and thread-safe. {@link #load} reads only the tokenizer files.
 */
public final class ModelTokenizer {
    private final Tokenizer tokenizer;

    ModelTokenizer(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The tokenizer of the model in {@code modelDir} (its family read from {@code config.json}); no weights are read. */
    public static ModelTokenizer load(Path modelDir) {
        Objects.requireNonNull(modelDir, "modelDir");
        return new ModelTokenizer(ModelFamilies.ofDirectory(modelDir).loadTokenizer(modelDir));
    }

    /** Token ids of {@code text} as a prompt is encoded (BOS/EOS as the tokenizer's configuration says). */
    public int[] encode(String text) {
        return tokenizer.encode(Objects.requireNonNull(text, "text"));
    }

    /** The token strings of {@code text}, without BOS/EOS. */
    public List<String> pieces(String text) {
        return tokenizer.pieces(Objects.requireNonNull(text, "text"));
    }

    /** The text of {@code ids}; {@code skipSpecialTokens} drops the tokens the tokenizer calls special. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(Objects.requireNonNull(ids, "ids"), skipSpecialTokens);
    }

    /** Number of ids, added tokens included. */
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    /** The id of the token written exactly as {@code token}, if there is one. */
    public OptionalInt tokenId(String token) {
        return tokenizer.tokenId(Objects.requireNonNull(token, "token"));
    }
}
