package org.visionpangu4j.core.safetensors;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slices of chunks behave like allocations of a shared arena: sized, aligned, zeroed, disjoint, freed on close. */
class ChunkedArenaTest {
    @Test
    void allocationsAreAlignedZeroedAndDisjoint() {
        Random rnd = new Random(3);
        List<MemorySegment> got = new ArrayList<>();
        try (ChunkedArena arena = new ChunkedArena()) {
            long total = 0;
            // Sizes from a few bytes to more than a chunk (those go to malloc directly), in random order.
            for (int i = 0; i < 200; i++) {
                long size = i == 7 ? ChunkedArena.CHUNK + 5 : i == 9 ? 0 : 1 + rnd.nextInt(3 << 20);
                long align = 1L << rnd.nextInt(13);
                MemorySegment s = arena.allocate(size, align);
                assertEquals(size, s.byteSize());
                assertEquals(0, s.address() % align, "alignment " + align);
                for (long j = 0; j < size; j += 4093) {
                    assertEquals(0, s.get(ValueLayout.JAVA_BYTE, j), "zeroed");
                }
                if (size > 0) {
                    s.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 1);
                }
                total += size;
                got.add(s);
            }
            got.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
            for (int i = 1; i < got.size(); i++) {
                MemorySegment prev = got.get(i - 1);
                assertTrue(prev.address() + prev.byteSize() <= got.get(i).address(), "segments overlap");
            }
            assertTrue(total > 4 * ChunkedArena.CHUNK, "several chunks were used");
            assertTrue(got.get(0).scope().isAlive());
        }
        for (MemorySegment s : got) {
            assertFalse(s.scope().isAlive());
        }
        assertThrows(IllegalStateException.class, () -> got.get(got.size() - 1).get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void badRequestsAreRefused() {
        try (ChunkedArena arena = new ChunkedArena()) {
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(-1, 8));
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(16, 3));
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(16, 0));
        }
    }

    @Test
    void usableFromOtherThreads() throws Exception {
        try (ChunkedArena arena = new ChunkedArena()) {
            MemorySegment s = arena.allocate(1024, 64);
            Thread t = new Thread(() -> s.set(ValueLayout.JAVA_INT, 0, 42));
            t.start();
            t.join();
            assertEquals(42, s.get(ValueLayout.JAVA_INT, 0));
        }
    }
}
