package org.visionpangu4j;


import java.util.concurrent.CompletableFuture;

/**
 * A request running in the background: its result completes {@link #result()}, and {@link #cancel()} stops it
 * within one token (the result then has stop reason CANCELLED).
 */
public final class GenerationHandle {
    private final CancellationToken token;
    private final CompletableFuture<Completion> result;

    GenerationHandle(CancellationToken token, CompletableFuture<Completion> result) {
        this.token = token;
        this.result = result;
    }

    /** Asks the generation to stop; it ends after the token being computed. */
    public void cancel() {
        token.cancel();
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return token.isCancelled();
    }

    /** Completes with the result, or exceptionally with the request's error. */
    public CompletableFuture<Completion> result() {
        return result;
    }
}
