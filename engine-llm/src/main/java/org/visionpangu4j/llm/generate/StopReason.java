package org.visionpangu4j.llm.generate;

/** Why generation ended. */
public enum StopReason {
    /** A stop token id was sampled (the template's end token); it is not part of the generated tokens. */
    EOS,
    /** The caller's {@link TokenListener} returned false (e.g. its stop-string matcher fired). */
    STOP_STRING,
    /** {@link GenerationOptions#maxNewTokens()} tokens were generated. */
    MAX_TOKENS,
    /** The {@link CancellationToken} was cancelled. */
    CANCELLED,
    /** The session's context is full: no position left to feed the last token. */
    CONTEXT_FULL
}
