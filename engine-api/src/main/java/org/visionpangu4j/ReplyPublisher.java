package org.visionpangu4j;

import java.util.concurrent.Flow;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One subscription of {@link Engine#stream}: runs the request on the calling (background) thread and hands its
 * pieces to the subscriber as demand allows. The generation waits for demand at each piece, checking
 * cancellation and the engine's closing while it waits, so a subscriber that never requests holds nothing forever.
 * Signals follow the Reactive Streams rules: serial, nothing after cancel, an error for a non-positive request.
 */
final class ReplyPublisher implements Flow.Subscription {
    /** How often a generation waiting for demand looks at cancellation and the engine. */
    private static final long POLL_MILLIS = 50;

    private final Flow.Subscriber<? super String> subscriber;
    private final BooleanSupplier engineClosed;
    private final CancellationToken cancel = new CancellationToken();
    private long demand;          // guarded by this
    private Throwable badRequest; // guarded by this

    ReplyPublisher(Flow.Subscriber<? super String> subscriber, BooleanSupplier engineClosed) {
        this.subscriber = subscriber;
        this.engineClosed = engineClosed;
    }

    CancellationToken cancellation() {
        return cancel;
    }

    /** Runs {@code request} (given the listener that emits pieces) and ends the subscription with its outcome. */
    void run(Function<TextListener, Completion> request) {
        try {
            request.apply(this::emit);
            Throwable bad = takeBadRequest();
            if (bad != null) {
                subscriber.onError(bad);
            } else if (engineClosed.getAsBoolean() && !cancel.isCancelled()) {
                subscriber.onError(new IllegalStateException("the engine was closed during the request"));
            } else if (!cancel.isCancelled()) {
                subscriber.onComplete();
            }
        } catch (Throwable t) {
            if (!cancel.isCancelled()) {
                subscriber.onError(t);
            }
        }
    }

    private void emit(String piece) {
        synchronized (this) {
            while (demand == 0 && !stopped()) {
                try {
                    wait(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel.cancel();
                }
            }
            if (stopped()) {
                return; // the generation sees the cancellation (or the closing) at its next check
            }
            demand--;
        }
        subscriber.onNext(piece);
    }

    private boolean stopped() {
        return cancel.isCancelled() || engineClosed.getAsBoolean();
    }

    private synchronized Throwable takeBadRequest() {
        return badRequest;
    }

    @Override
    public synchronized void request(long n) {
        if (n <= 0) {
            badRequest = new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)");
            cancel.cancel();
        } else {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        notifyAll();
    }

    @Override
    public synchronized void cancel() {
        cancel.cancel();
        notifyAll();
    }
}
