package org.visionpangu4j.llm.generate;

/**
 * Cancels a generation from any thread. The generator checks it before sampling each token and again before
 * feeding it, so at most the token being computed when {@link #cancel()} is called still completes.
 */
public final class CancellationToken {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
