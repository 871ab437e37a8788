package org.visionpangu4j.bench;

import java.util.concurrent.TimeUnit;

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
import org.visionpangu4j.kernels.Attention;

/**
 * Bidirectional attention of one InternViT-300M layer on one 448×448 tile: T = 1,025 tokens, 16 heads × 64, read
 * in place from a fused [T, 3·1024] qkv buffer. The {@code flops} counter counts QKᵀ and P·V, 2·T²·D multiply-adds
 * each per head: 4·T²·D·H = 4.303 GFLOP per call (softmax not counted); compare with {@link ProbeBench#fmaPeak}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class VisionAttentionBench {
    static final int T = 1025;
    static final int HEADS = 16;
    static final int HEAD_DIM = 64;
    static final long FLOP = 4L * T * T * HEAD_DIM * HEADS;

    @Param({"1", "2"})
    public int threads;

    private WorkerPool pool;
    private float[] qkv;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() {
        pool = new WorkerPool(threads);
        int width = HEADS * HEAD_DIM;
        qkv = BenchData.vector(T * 3 * width, 1);
        out = new float[T * width];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float visionAttention(Counters c) {
        int width = HEADS * HEAD_DIM;
        Attention.bidirectional(pool, qkv, T, HEADS, HEAD_DIM, 3 * width, 0, width, 2 * width, out, width);
        c.flops += FLOP;
        return out[0];
    }
}
