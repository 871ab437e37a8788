package org.visionpangu4j.core.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of worker threads that splits an index range into contiguous chunks (the caller is thread 0).
 * Threads are started once; a fork/join costs a few wake-ups, no allocation. Workers spin briefly after each job
 * (work in a forward pass arrives back to back), then park.
 *
 * <p>Guided scheduling: thread i first runs its own static chunk (together these cover half the range), then claims
 * chunks from a shared counter, each half of what remains divided by the thread count, but never less than
 * 1/{@link #MIN_CHUNKS_PER_THREAD} of a thread's share. A thread that runs slower (a busy or throttled core: on
 * shared machines one vCPU is often slower than the other) does less of the work instead of making every other
 * thread wait for it at the join, and the chunks left at the end are small, so the threads finish close together
 * (with four equal chunks per thread, JFR put 6% of Q4_0 decode samples in idle waiting; alternating decode runs
 * of both schedules gave the guided one −2 to +14%, mean +6% Q8_0 and +3% Q4_0, on the 2-vCPU Xeon VM).
 * Chunks stay long, sequential runs: a GEMV's weight stream restarts the hardware prefetcher at each chunk. With no
 * more units than threads each thread runs exactly one unit, as a static split.
 *
 * <p>One job runs at a time: concurrent callers queue on the pool's lock. A call made from inside a job runs
 * inline on the calling thread, so nested use cannot deadlock. An exception thrown by any chunk is rethrown to
 * the caller after every chunk has finished.
 */
public final class WorkerPool implements AutoCloseable {
    private static final int SPIN_ITERATIONS = 20_000;
    /** The smallest claimed chunk is 1/this of a thread's share of the units (and at least one unit). */
    static final int MIN_CHUNKS_PER_THREAD = 8;

    private final int threads;
    private final Thread[] workers;
    private final ThreadLocal<Boolean> insideJob = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final AtomicInteger pending = new AtomicInteger();
    /** The next unit to claim after each thread's first chunk; reset per job. */
    private final AtomicLong nextUnit = new AtomicLong();
    private volatile long generation;
    private volatile boolean shutdown;
    private volatile Thread caller;
    // Job state, published by the volatile write of generation.
    private RangeTask task;
    private int jobStart;
    private int jobEnd;
    private int jobGrain;
    private long jobUnits;
    private long firstChunk;
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
            this.jobUnits = units;
            this.firstChunk = units <= threads ? 1 : Math.max(1, units / (2L * threads));
            this.nextUnit.set(units <= threads ? units : firstChunk * threads);
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

    // Thread id's share of the job: its static first chunk, then guided chunks claimed from the counter.
    private void runChunks(int id) {
        long units = jobUnits;
        if (id * firstChunk < units) {
            runUnits(id * firstChunk, Math.min(units, (id + 1) * firstChunk));
        }
        long min = Math.max(1, units / ((long) threads * MIN_CHUNKS_PER_THREAD));
        for (long u = nextUnit.get(); u < units; u = nextUnit.get()) {
            long e = Math.min(units, u + Math.max(min, (units - u) / (2L * threads)));
            if (nextUnit.compareAndSet(u, e)) {
                runUnits(u, e);
            }
        }
    }

    // Units [u0, u1) of jobGrain indices each, from jobStart (the last unit may be cut short by jobEnd).
    private void runUnits(long u0, long u1) {
        long s = jobStart + u0 * jobGrain;
        long e = Math.min(jobEnd, jobStart + u1 * jobGrain);
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
