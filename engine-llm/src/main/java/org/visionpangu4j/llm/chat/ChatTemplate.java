package org.visionpangu4j.llm.chat;

import java.util.List;

/** Turns chat messages into the prompt text a model was trained on. Implementations are stateless. */
public interface ChatTemplate {
    /** The name used in {@code config.json}'s {@code template}. */
    String name();

    /**
     * The prompt text for {@code messages}; {@code addGenerationPrompt} appends the opening of the assistant turn.
     * {@code <image>} placeholders are left in place (see {@link ImagePrompt#expand}); BOS is the tokenizer's job.
     */
    String render(List<Message> messages, boolean addGenerationPrompt);

    /** The token that ends a turn; generation stops when the model emits it. */
    String endOfTurn();

    /**
     * The reply in a decoded generation (decoded with skip_special_tokens), as InternVL's {@code chat()} does:
     * cut at the first {@link #endOfTurn()}, then strip whitespace (Python {@code str.strip()} semantics).
     */
    default String response(String decoded) {
        int cut = decoded.indexOf(endOfTurn());
        return PythonStrings.strip(cut >= 0 ? decoded.substring(0, cut) : decoded);
    }
}
