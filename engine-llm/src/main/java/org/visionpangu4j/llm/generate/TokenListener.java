package org.visionpangu4j.llm.generate;

/** Receives each generated token as soon as it is sampled (stop tokens excluded). */
@FunctionalInterface
public interface TokenListener {
    /** Nothing to do, always continue. */
    TokenListener NONE = id -> true;

    /**
     * Called on the generating thread for every new token, in order.
     *
     * @return true to continue, false to stop now (reported as {@link StopReason#STOP_STRING}; the token just
     * passed stays in the result)
     */
    boolean onToken(int id);
}
