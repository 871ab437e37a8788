package org.visionpangu4j.core.safetensors;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A shared arena that hands out slices of large native chunks, so that closing it gives every byte back to the OS.
 *
 * <p>Why: a shared {@link Arena} allocates each segment with {@code malloc}. glibc serves a request below its mmap
 * threshold (dynamic, at most 32 MiB on 64-bit) from its heaps, and after {@code free} keeps that memory in its free
 * lists, still resident in the process; only requests at or above the threshold are mapped on their own and
 * unmapped on free. A checkpoint allocates hundreds of segments of a few MiB (quantized matrices, anonymous copies):
 * freed one by one they stayed resident after close, and the next model's memory came on top (engine-bench/README.md,
 * "Memory", has the measurement). Here requests are cut, first fit, from {@link #CHUNK}-sized chunks (or a
 * block set aside with {@link #reserve}); only requests of at least {@link #CHUNK} that fit nowhere go to malloc
 * directly. Waste: the unused tail of each chunk (a request that
 * does not fit the tail goes to a later chunk; the tail stays open for smaller ones), resident as chunks are zeroed
 * when allocated, so at most about one chunk in all once the tails have filled. Allocated memory is zeroed, as
 * {@link Arena} promises.
 */
final class ChunkedArena implements Arena {
    /** glibc's mmap threshold never exceeds this (DEFAULT_MMAP_THRESHOLD_MAX), so a chunk is always mapped. */
    static final long CHUNK = 32L << 20;
    /** Tails shorter than this are not worth keeping. */
    private static final long MIN_TAIL = 64;

    private final Arena backing = Arena.ofShared();
    /** Free tails of chunks, oldest first. */
    private final List<MemorySegment> tails = new ArrayList<>();

    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteSize < 0) {
            throw new IllegalArgumentException("negative allocation size " + byteSize);
        }
        if (byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("alignment " + byteAlignment + " is not a power of two");
        }
        for (int i = 0; i < tails.size(); i++) {
            MemorySegment s = cut(i, byteSize, byteAlignment);
            if (s != null) {
                return s;
            }
        }
        if (byteSize >= CHUNK || byteAlignment > CHUNK / 2) {
            return backing.allocate(byteSize, byteAlignment);
        }
        tails.add(backing.allocate(CHUNK, 4096));
        return cut(tails.size() - 1, byteSize, byteAlignment);
    }

    /**
     * Sets aside one block of {@code bytes} from which the next allocations are cut first: a caller that knows
     * roughly how much it is about to allocate leaves no partly used chunk behind. Ignored below {@link #CHUNK}.
     */
    synchronized void reserve(long bytes) {
        if (bytes >= CHUNK) {
            tails.addFirst(backing.allocate(bytes, 4096));
        }
    }

    /** byteSize bytes at the first aligned address of tail i, or null if they do not fit; shortens the tail. */
    private MemorySegment cut(int i, long byteSize, long byteAlignment) {
        MemorySegment tail = tails.get(i);
        long start = ((tail.address() + byteAlignment - 1) & -byteAlignment) - tail.address();
        if (start + byteSize > tail.byteSize()) {
            return null;
        }
        MemorySegment rest = tail.asSlice(start + byteSize);
        if (rest.byteSize() < MIN_TAIL) {
            tails.remove(i);
        } else {
            tails.set(i, rest);
        }
        return tail.asSlice(start, byteSize);
    }

    @Override
    public MemorySegment.Scope scope() {
        return backing.scope();
    }

    /** Frees every chunk and direct allocation; their segments throw {@link IllegalStateException} afterwards. */
    @Override
    public void close() {
        backing.close();
    }
}
