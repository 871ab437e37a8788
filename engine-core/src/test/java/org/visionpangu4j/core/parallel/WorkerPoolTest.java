package org.visionpangu4j.core.parallel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPoolTest {
    private static final java.time.Duration LIMIT = java.time.Duration.ofSeconds(30);

    /** Each index in [start, end) is visited exactly once and nothing outside it. */
    private static void assertCoveredOnce(WorkerPool pool, int start, int end, int grain) {
        int n = end + 3;
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        pool.parallelFor(start, end, grain, (s, e) -> {
            for (int i = s; i < e; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(i >= start && i < end ? 1 : 0, hits.get(i), "index " + i + " of [" + start + ", " + end
                    + ") grain " + grain + " threads " + pool.threads());
        }
    }

    @Test
    void rangesAreCoveredExactlyOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int threads : new int[]{1, 2, 3, 4, 7}) {
                try (WorkerPool pool = new WorkerPool(threads)) {
                    for (int[] r : new int[][]{{0, 0}, {0, 1}, {0, 2}, {0, 5}, {3, 17}, {0, 1000}, {5, 6}, {0, 7}}) {
                        for (int grain : new int[]{1, 2, 3, 8, 64, 2000}) {
                            assertCoveredOnce(pool, r[0], r[1], grain);
                        }
                    }
                    AtomicLong sum = new AtomicLong();
                    pool.parallelFor(100, (s, e) -> {
                        for (int i = s; i < e; i++) {
                            sum.addAndGet(i);
                        }
                    });
                    assertEquals(4950, sum.get());
                }
            }
        });
    }

    @Test
    void chunkBoundariesAreMultiplesOfGrain() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WorkerPool pool = new WorkerPool(4)) {
                List<int[]> chunks = Collections.synchronizedList(new ArrayList<>());
                int start = 10;
                int end = 10 + 16 * 13 + 5; // 13 whole blocks of 16 and a partial one
                pool.parallelFor(start, end, 16, (s, e) -> chunks.add(new int[]{s, e}));
                assertTrue(chunks.size() > 1, "work was split");
                for (int[] c : chunks) {
                    assertEquals(0, (c[0] - start) % 16, "chunk start " + c[0]);
                    assertTrue(c[1] == end || (c[1] - start) % 16 == 0, "chunk end " + c[1]);
                    assertTrue(c[1] > c[0], "no empty chunks");
                }
            }
        });
    }

    @Test
    void exceptionsPropagateAndPoolStaysUsable() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WorkerPool pool = new WorkerPool(4)) {
                // Thrown in the last chunk, which a worker (not the caller) runs.
                IllegalArgumentException boom = new IllegalArgumentException("boom");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> pool.parallelFor(0, 100, 1, (s, en) -> {
                            if (en == 100) {
                                throw boom;
                            }
                        }));
                assertSame(boom, e);
                // Thrown by the caller's own chunk (the first).
                assertThrows(ArithmeticException.class, () -> pool.parallelFor(0, 100, 1, (s, en) -> {
                    if (s == 0) {
                        throw new ArithmeticException("first chunk");
                    }
                }));
                // Checked exceptions cannot escape a RangeTask, but Errors can.
                assertThrows(AssertionError.class, () -> pool.parallelFor(0, 100, 1, (s, en) -> {
                    throw new AssertionError("err");
                }));
                assertCoveredOnce(pool, 0, 1000, 1);
            }
        });
    }

    @Test
    void nestedCallsRunInline() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WorkerPool pool = new WorkerPool(3)) {
                AtomicIntegerArray hits = new AtomicIntegerArray(30 * 40);
                pool.parallelFor(0, 30, 1, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        final int row = i;
                        Thread outer = Thread.currentThread();
                        pool.parallelFor(0, 40, 1, (s2, e2) -> {
                            assertSame(outer, Thread.currentThread(), "inner call runs on the calling thread");
                            for (int j = s2; j < e2; j++) {
                                hits.incrementAndGet(row * 40 + j);
                            }
                        });
                    }
                });
                for (int i = 0; i < hits.length(); i++) {
                    assertEquals(1, hits.get(i), "cell " + i);
                }
            }
        });
    }

    @Test
    void concurrentCallersAreSafe() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WorkerPool pool = new WorkerPool(3)) {
                int callers = 4;
                int rounds = 200;
                ExecutorService ex = Executors.newFixedThreadPool(callers);
                try {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<Long>> results = new ArrayList<>();
                    for (int c = 0; c < callers; c++) {
                        final int n = 50 + 37 * c;
                        results.add(ex.submit(() -> {
                            go.await();
                            long total = 0;
                            for (int r = 0; r < rounds; r++) {
                                AtomicLong sum = new AtomicLong();
                                pool.parallelFor(0, n, 1, (s, e) -> {
                                    for (int i = s; i < e; i++) {
                                        sum.addAndGet(i);
                                    }
                                });
                                total += sum.get();
                            }
                            return total;
                        }));
                    }
                    go.countDown();
                    for (int c = 0; c < callers; c++) {
                        long n = 50 + 37 * c;
                        assertEquals(rounds * n * (n - 1) / 2, results.get(c).get(20, TimeUnit.SECONDS), "caller " + c);
                    }
                } finally {
                    ex.shutdownNow();
                }
            }
        });
    }

    private static java.util.Set<Thread> workerThreads() {
        java.util.Set<Thread> set = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("visionpangu-worker-") && t.isAlive()) {
                set.add(t);
            }
        }
        return set;
    }

    @Test
    void closeStopsWorkersAndRefusesWork() {
        assertTimeoutPreemptively(LIMIT, () -> {
            java.util.Set<Thread> before = workerThreads();
            WorkerPool pool = new WorkerPool(4);
            java.util.Set<Thread> ours = workerThreads();
            ours.removeAll(before);
            assertEquals(3, ours.size(), "the caller is thread 0, so 3 workers");
            assertCoveredOnce(pool, 0, 100, 1);
            pool.close();
            assertTrue(pool.isClosed());
            pool.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> pool.parallelFor(0, 100, 1, (s, e) -> { }));
            assertThrows(IllegalStateException.class, () -> pool.parallelFor(0, 1, 1, (s, e) -> { }));
            for (Thread t : ours) {
                assertFalse(t.isAlive(), t.getName() + " exited");
            }
        });
    }

    @Test
    void closeWaitsForTheJobInFlight() {
        assertTimeoutPreemptively(LIMIT, () -> {
            WorkerPool pool = new WorkerPool(3);
            CountDownLatch started = new CountDownLatch(1);
            AtomicIntegerArray hits = new AtomicIntegerArray(30);
            Thread caller = new Thread(() -> pool.parallelFor(0, 30, 1, (s, e) -> {
                started.countDown();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                for (int i = s; i < e; i++) {
                    hits.incrementAndGet(i);
                }
            }));
            caller.start();
            started.await();
            pool.close();
            caller.join();
            for (int i = 0; i < 30; i++) {
                assertEquals(1, hits.get(i), "index " + i + " finished before close returned");
            }
        });
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0));
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(0, 10, 0, (s, e) -> { }));
        }
    }

    @Test
    void hugeRangeDoesNotOverflow() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (WorkerPool pool = new WorkerPool(3)) {
                AtomicLong covered = new AtomicLong();
                int start = Integer.MAX_VALUE - 100;
                pool.parallelFor(start, Integer.MAX_VALUE, 64, (s, e) -> {
                    assertTrue(s >= start && e <= Integer.MAX_VALUE && s < e);
                    covered.addAndGet(e - s);
                });
                assertEquals(100, covered.get());
            }
        });
    }
}
