package org.visionpangu4j.core.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of worker threads that splits an index range into contiguous chunks (the caller is thread 0).
 * Threads are started once; a fork/join costs a few wake-ups, no allocation. Workers spin briefly after each job
 * (work in a forward pass arrives back to back), then park.
 *
 * <p>A range is cut into up to {@link #CHUNKS_PER_THREAD} chunks per thread. Thread i first runs chunk i, then
 * claims the remaining chunks one at a time from a shared counter, so a thread that runs slower (a busy or
 * throttled core: on shared machines one vCPU is often slower than the other) does less of the work instead of
 * making every other thread wait for it at the join. With no more units than threads each thread runs exactly one
 * chunk, as a static split.
 *
 * <p>One job runs at a time: concurrent callers queue on the pool's lock. A call made from inside a job runs
 * inline on the calling thread, so nested use cannot deadlock. An exception thrown by any chunk is rethrown to
 * the caller after every chunk has finished.
 */
public final class WorkerPool implements AutoCloseable {
    private static final int SPIN_ITERATIONS = 20_000;
    /** Chunks per thread: enough to absorb a core running at half speed, few enough that each is a long stream. */
    static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final Thread[] workers;
    private final ThreadLocal<Boolean> insideJob = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final AtomicInteger pending = new AtomicInteger();
    /** The next chunk to claim after each thread's first; reset per job. */
    private final AtomicInteger nextChunk = new AtomicInteger();
    private volatile long generation;
    private volatile boolean shutdown;
    private volatile Thread caller;
    // Job state, published by the volatile write of generation.
    private RangeTask task;
    private int jobStart;
    private int jobEnd;
    private int jobGrain;
    private int jobChunks;
    private volatile Throwable failure;

    /** A pool of {@code threads} threads in total (including the calling thread); at least 1. */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int id = i + 1;
            Thread t = new Thread(() -> workLoop(id), "visionpangu-worker-" + id);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Default size: the number of available processors. */
    public static WorkerPool ofAvailableProcessors() {
        return new WorkerPool(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over [0, n) split across the pool. */
    public void parallelFor(int n, RangeTask task) {
        parallelFor(0, n, 1, task);
    }

    /**
     * Runs {@code task} over [start, end), in chunks whose boundaries are multiples of {@code grain} from start
     * (so a kernel working on blocks of rows never sees a partial block except at the end).
     */
    public void parallelFor(int start, int end, int grain, RangeTask task) {
        if (grain < 1) {
            throw new IllegalArgumentException("grain must be ≥ 1, got " + grain);
        }
        if (shutdown) {
            throw new IllegalStateException("worker pool is closed");
        }
        if (end <= start) {
            return;
        }
        long units = ((long) end - start + grain - 1) / grain;
        if (threads == 1 || units == 1 || insideJob.get()) {
            task.run(start, end);
            return;
        }
        synchronized (this) {
            // Checked again under the lock: close() takes it too, so no job starts on stopped workers.
            if (shutdown) {
                throw new IllegalStateException("worker pool is closed");
            }
            this.task = task;
            this.jobStart = start;
            this.jobEnd = end;
            this.jobGrain = grain;
            this.jobChunks = (int) Math.min(units, (long) threads * CHUNKS_PER_THREAD);
            this.nextChunk.set(threads);
            this.failure = null;
            this.caller = Thread.currentThread();
            pending.set(workers.length);
            generation++;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            insideJob.set(Boolean.TRUE);
            try {
                runChunks(0);
            } catch (Throwable t) {
                failure = t;
            } finally {
                insideJob.set(Boolean.FALSE);
            }
            // Wait for every worker even if our own chunk failed: none may still be inside task afterwards.
            int spins = 0;
            while (pending.get() > 0) {
                if (++spins > SPIN_ITERATIONS) {
                    LockSupport.parkNanos(this, 50_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            this.task = null;
            this.caller = null;
            Throwable f = failure;
            failure = null;
            if (f != null) {
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error er) {
                    throw er;
                }
                throw new RuntimeException(f);
            }
        }
    }

    // Thread id's share of the job: its own chunk, then chunks claimed from the counter until none is left.
    private void runChunks(int id) {
        if (id < jobChunks) {
            runChunk(id);
        }
        for (int c = nextChunk.getAndIncrement(); c < jobChunks; c = nextChunk.getAndIncrement()) {
            runChunk(c);
        }
    }

    // Chunk c of jobChunks: units of grain indices dealt out as evenly as possible (the first `extra` chunks get one
    // more), so chunk boundaries are multiples of grain from jobStart.
    private void runChunk(int c) {
        long units = ((long) jobEnd - jobStart + jobGrain - 1) / jobGrain;
        long perChunk = units / jobChunks;
        long extra = units % jobChunks;
        long firstUnit = c * perChunk + Math.min(c, extra);
        long count = perChunk + (c < extra ? 1 : 0);
        long s = jobStart + firstUnit * jobGrain;
        long e = Math.min(jobEnd, s + count * jobGrain);
        task.run((int) s, (int) e);
    }

    private void workLoop(int id) {
        long seen = 0;
        insideJob.set(Boolean.TRUE);
        while (true) {
            int spins = 0;
            while (generation == seen && !shutdown) {
                if (++spins > SPIN_ITERATIONS) {
                    LockSupport.park(this);
                } else {
                    Thread.onSpinWait();
                }
            }
            // A published job is always run, even during shutdown: its caller waits for every worker.
            if (generation == seen) {
                break;
            }
            seen = generation;
            try {
                runChunks(id);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) {
                    Thread c = caller;
                    if (c != null) {
                        LockSupport.unpark(c);
                    }
                }
            }
        }
    }

    /**
     * Stops the workers once the job in flight (if any) has finished, and waits for them to exit. Later calls of
     * {@link #parallelFor} throw {@link IllegalStateException}. Idempotent. Not to be called from inside a
     * task: it waits for the job that task belongs to.
     */
    @Override
    public void close() {
        synchronized (this) {
            shutdown = true;
        }
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        for (Thread w : workers) {
            if (w == Thread.currentThread()) {
                continue;
            }
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public boolean isClosed() {
        return shutdown;
    }
}
