package org.visionpangu4j;

/**
 * Cancels a request from any thread. Generation checks it before sampling each token and again before feeding it,
 * so at most the token being computed when {@link #cancel()} is called still completes; the reply then ends with
 * {@link StopReason#CANCELLED}. One token per request; it cannot be reset.
 */
public final class CancellationToken {
    private volatile boolean cancelled;

    /** Asks the request to stop. */
    public void cancel() {
        cancelled = true;
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }
}
