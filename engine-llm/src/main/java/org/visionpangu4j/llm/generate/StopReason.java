package org.visionpangu4j.llm.generate;

/** Why generation ended; decided by {@link StopCondition} (and the loop, for a full context). */
public enum StopReason {
    /** A stop token id was sampled (the template's end token); it is not part of the generated tokens. */
    EOS,
    /** The reply text reached one of the stop strings; the text is cut before it. */
    STOP_STRING,
    /** {@link GenerationSettings#maxNewTokens()} tokens were generated. */
    MAX_TOKENS,
    /** The caller cancelled. */
    CANCELLED,
    /** The session's context is full: no position left to feed the last token. */
    CONTEXT_FULL
}
