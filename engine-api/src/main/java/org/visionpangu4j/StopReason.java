package org.visionpangu4j;

/** Why a reply ended ({@link Completion#stopReason()}). */
public enum StopReason {
    /** The model ended its turn (the chat template's end token, or another stop token); the token is not kept. */
    EOS,
    /** The reply reached a stop string ({@link GenerationOptions#stopStrings()}); the text is cut before it. */
    STOP_STRING,
    /** {@link GenerationOptions#maxNewTokens()} tokens were generated. */
    MAX_TOKENS,
    /** The request was cancelled ({@link CancellationToken}, {@link GenerationHandle#cancel()}). */
    CANCELLED,
    /** The request's context is full: no position left for the next token. */
    CONTEXT_FULL;

    static StopReason of(org.visionpangu4j.llm.generate.StopReason r) {
        return valueOf(r.name());
    }
}
