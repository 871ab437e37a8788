package org.visionpangu4j.server;

import org.visionpangu4j.CancellationToken;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The bounded queue in front of the engine: at most {@code parallel} requests generate at once and at most
 * {@code queue} more wait, first come first served. A request beyond that is refused at once (429), before its body
 * is read, so memory for request bodies is bounded by {@code (parallel + queue) × maxBodyBytes}. Parsing a body
 * (JSON, base64 images) briefly takes a few times its size, so at most {@code parallel} bodies are parsed at once.
 */
final class Admission {
    private final int capacity;
    private final Semaphore turns;
    private final Semaphore parsing;
    private final Set<Ticket> admitted = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile boolean closed;

    Admission(int parallel, int queue) {
        this.capacity = parallel + queue;
        this.turns = new Semaphore(parallel, true);
        this.parsing = new Semaphore(parallel, true);
    }

    /** Admits a request or throws 429 (full) / 503 (shutting down). */
    Ticket enter() {
        synchronized (lock) {
            if (closed) {
                throw shuttingDown();
            }
            if (admitted.size() >= capacity) {
                throw new ApiException(429, "server_busy", null, "queue_full", "the server is busy: " + capacity
                        + " request(s) are already running or queued; retry later");
            }
            Ticket t = new Ticket();
            admitted.add(t);
            return t;
        }
    }

    /** Requests admitted and not yet finished (running or waiting). */
    int admitted() {
        return admitted.size();
    }

    /** Requests holding a turn, i.e. generating. */
    int running() {
        return (int) admitted.stream().filter(t -> t.running).count();
    }

    /** Refuses new requests and wakes waiting ones (they fail with 503). */
    void close() {
        synchronized (lock) {
            closed = true;
        }
        for (Ticket t : admitted) {
            if (!t.running && t.waiter != null) {
                t.waiter.interrupt();
            }
        }
    }

    /** Cancels every running request (each stops within one token). */
    void cancelAll() {
        for (Ticket t : admitted) {
            t.cancel.cancel();
        }
    }

    /** Waits until no request is admitted, at most {@code millis}; returns whether none is left. */
    boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!admitted.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            synchronized (lock) {
                lock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
            }
        }
        return true;
    }

    static ApiException shuttingDown() {
        return new ApiException(503, "server_error", null, "shutting_down", "the server is shutting down");
    }

    /** One admitted request: wait for a turn, generate with {@link #cancel()}, close to leave. */
    final class Ticket implements AutoCloseable {
        private final CancellationToken cancel = new CancellationToken();
        private volatile Thread waiter;
        private volatile boolean running;
        private boolean left;

        /** Runs {@code parse} when one of the {@code parallel} parsing slots is free; 503 on shutdown meanwhile. */
        <T> T parse(Supplier<T> parse) {
            waiter = Thread.currentThread();
            try {
                parsing.acquire();
            } catch (InterruptedException e) {
                throw shuttingDown();
            } finally {
                waiter = null;
            }
            try {
                return parse.get();
            } finally {
                parsing.release();
            }
        }

        /** Blocks until this request may generate; 503 if the server shuts down meanwhile. */
        void awaitTurn() {
            waiter = Thread.currentThread();
            try {
                if (closed) {
                    throw shuttingDown();
                }
                turns.acquire();
                running = true;
            } catch (InterruptedException e) {
                throw shuttingDown();
            } finally {
                waiter = null;
            }
            if (closed) {
                // Woken by close() just as the turn came: still refuse, the server is going away.
                release();
                throw shuttingDown();
            }
        }

        /** Cancelled by a client disconnect or by shutdown. */
        CancellationToken cancel() {
            return cancel;
        }

        private void release() {
            if (running) {
                running = false;
                turns.release();
            }
        }

        @Override
        public void close() {
            if (left) {
                return;
            }
            left = true;
            release();
            Thread.interrupted(); // a late interrupt from close() must not leak into the next request on this thread
            synchronized (lock) {
                admitted.remove(this);
                lock.notifyAll();
            }
        }
    }
}
