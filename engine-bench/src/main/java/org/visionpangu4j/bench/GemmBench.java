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
 * GEMM X[m, n] · W[d, n]ᵀ at the prefill shape (512 tokens through the 1536→6144 MLP) and the vision encoder
 * shapes (1,025 tokens through 1024→4096 and 4096→1024), per format. The {@code flops} counter (2·m·n·d per call)
 * gives GFLOP/s; compare with {@link ProbeBench#fmaPeak}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBench {
    @Param({"F32", "BF16", "F16", "Q8_0", "Q4_0"})
    public WeightFormat format;

    /** m × n × d. */
    @Param({"512x1536x6144", "1025x1024x4096", "1025x4096x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private WorkerPool pool;
    private Arena arena;
    private WeightMatrix w;
    private int m;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setup() {
        int[] s = BenchData.dims(shape);
        m = s[0];
        pool = new WorkerPool(threads);
        arena = Arena.ofShared();
        w = BenchData.matrix(arena, pool, format, s[2], s[1]);
        x = BenchData.vector(m * s[1], 2);
        y = new float[m * s[2]];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        pool.close();
    }

    @Benchmark
    public float gemm(Counters c) {
        MatMul.gemm(pool, w, x, m, null, y, false);
        c.flops += 2L * m * w.cols() * w.rows();
        return y[0];
    }
}
