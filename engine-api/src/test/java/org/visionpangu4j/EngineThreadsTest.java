package org.visionpangu4j;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load-time work (quantization, preload) runs on the engine's own pool, sized by {@link EngineOptions#threads()},
 * and nothing is left running after close: counted by the live threads around a load.
 */
class EngineThreadsTest {

    private static Set<Thread> live() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    /** The threads that appeared while an engine with {@code threads} threads and quantized weights is loaded. */
    private static List<String> threadsOfAnEngine(int threads) throws InterruptedException {
        EngineOptions o = EngineOptions.builder().threads(threads).weights(WeightFormat.Q4_0)
                .visionWeights(WeightFormat.Q8_0).residency(EngineOptions.Residency.PRELOAD).build();
        Set<Thread> before = live();
        List<String> added;
        try (Engine e = Engine.load(TestModels.dir(), o)) {
            Set<Thread> now = live();
            now.removeAll(before);
            added = now.stream().map(Thread::getName).sorted().toList();
        }
        for (Thread t : added.isEmpty() ? Set.<Thread>of() : live()) {
            if (!before.contains(t) && t.getName().startsWith("visionpangu-")) {
                t.join(5_000);
            }
        }
        Set<Thread> left = live();
        left.removeAll(before);
        left.removeIf(t -> !t.isAlive());
        assertTrue(left.stream().noneMatch(t -> t.getName().startsWith("visionpangu-")),
                "threads left after close: " + left);
        return added;
    }

    @Test
    void oneThreadMeansNoOtherThreadTouchesTheLoad() throws InterruptedException {
        assertEquals(List.of(), threadsOfAnEngine(1), "--threads 1 quantizes and preloads on the calling thread");
    }

    @Test
    void nThreadsAreTheCallerAndNMinusOneWorkers() throws InterruptedException {
        assertEquals(List.of("visionpangu-worker-1", "visionpangu-worker-2"), threadsOfAnEngine(3));
    }
}
