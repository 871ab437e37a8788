package org.visionpangu4j.bench;

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
import org.visionpangu4j.kernels.MatMul;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.kernels.WeightMatrix;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * GEMV W[rows, cols] · x at the decoder's shapes (q/o 1536×1536, k/v 768×1536, gate/up 6144×1536, down
 * 1536×6144, lm_head 153376×1536), per format and thread count. The {@code bytes} counter gives the effective
 * weight bandwidth (weight bytes / time); compare with {@link ProbeBench#memoryBandwidth}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemvBench {
    @Param({"F32", "BF16", "F16", "Q8_0", "Q4_0"})
    public WeightFormat format;

    /** rows × cols of W. */
    @Param({"1536x1536", "768x1536", "6144x1536", "1536x6144", "153376x1536"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private WorkerPool pool;
    private Arena arena;
    private WeightMatrix w;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setup() {
        int[] d = BenchData.dims(shape);
        pool = new WorkerPool(threads);
        arena = Arena.ofShared();
        w = BenchData.matrix(arena, pool, format, d[0], d[1]);
        x = BenchData.vector(d[1], 1);
        y = new float[d[0]];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        pool.close();
    }

    @Benchmark
    public float gemv(Counters c) {
        MatMul.gemv(pool, w, x, null, y, false);
        c.bytes += w.byteSize();
        return y[0];
    }
}
