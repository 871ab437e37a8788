package org.visionpangu4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.kernels.Simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * This machine's own limits, so kernel results can be read as a fraction of them: DRAM read bandwidth (a vector sum
 * over a 1 GiB off-heap segment, far larger than any cache) and FP32 FMA peak (12 independent FMA chains per
 * thread on registers only, at the kernels' vector width).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ProbeBench {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final long BYTES = 1L << 30;
    private static final int FMA_ITERATIONS = 1 << 22;

    @Param({"1", "2"})
    public int threads;

    private WorkerPool pool;
    private Arena arena;
    private MemorySegment big;
    private final float[] partial = new float[64];

    @Setup(Level.Trial)
    public void setup() {
        pool = new WorkerPool(threads);
        arena = Arena.ofShared();
        big = arena.allocate(BYTES, 64); // zero-filled, so every page is touched before timing
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        pool.close();
    }

    @Benchmark
    public float memoryBandwidth(Counters c) {
        int chunks = pool.threads();
        long per = BYTES / chunks;
        pool.parallelFor(0, chunks, 1, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                partial[i] = sum(big, i * per, per);
            }
        });
        c.bytes += BYTES;
        float s = 0;
        for (int i = 0; i < chunks; i++) {
            s += partial[i];
        }
        return s;
    }

    // Σ of the floats in [off, off + len): four accumulators so the adds never limit the loads.
    private static float sum(MemorySegment m, long off, long len) {
        long step = 4L * F.vectorByteSize();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (long p = off; p < off + len; p += step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, m, p, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, m, p + F.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, m, p + 2L * F.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, m, p + 3L * F.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float fmaPeak(Counters c) {
        int chunks = pool.threads();
        pool.parallelFor(0, chunks, 1, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                partial[i] = fmaLoop(i + 1);
            }
        });
        c.flops += (long) chunks * FMA_ITERATIONS * 12 * 2 * F.length();
        return partial[0] + partial[chunks - 1];
    }

    // 12 independent chains (2 FMA ports × 4 cycles latency needs ≥ 8 in flight); a·m + k stays bounded near 1.
    private static float fmaLoop(int seed) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f);
        FloatVector k = FloatVector.broadcast(F, 1e-6f);
        FloatVector a0 = FloatVector.broadcast(F, seed), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        for (int i = 0; i < FMA_ITERATIONS; i++) {
            a0 = a0.fma(m, k);
            a1 = a1.fma(m, k);
            a2 = a2.fma(m, k);
            a3 = a3.fma(m, k);
            a4 = a4.fma(m, k);
            a5 = a5.fma(m, k);
            a6 = a6.fma(m, k);
            a7 = a7.fma(m, k);
            a8 = a8.fma(m, k);
            a9 = a9.fma(m, k);
            a10 = a10.fma(m, k);
            a11 = a11.fma(m, k);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
