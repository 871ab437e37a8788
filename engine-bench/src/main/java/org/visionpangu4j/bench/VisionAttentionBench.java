package org.visionpangu4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * in place from a fused [T, 3·1024] qkv buffer. Work: QKᵀ and P·V, 2·T²·D multiply-adds each per head,
 * i.e. 4·T²·D·H = 4.303 GFLOP per call (softmax not counted): GFLOP/s = 4.303 / (ms/op) · 1000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class VisionAttentionBench {
    static final int T = 1025;
    static final int HEADS = 16;
    static final int HEAD_DIM = 64;
    /** 4·T²·D·H. */
    public static final double FLOP = 4.0 * T * T * HEAD_DIM * HEADS;

    @Param({"1", "2"})
    int threads;

    private WorkerPool pool;
    private float[] qkv;
    private float[] out;

    @Setup
    public void setup() {
        pool = new WorkerPool(threads);
        int width = HEADS * HEAD_DIM;
        qkv = new float[T * 3 * width];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < qkv.length; i++) {
            qkv[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        out = new float[T * width];
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] visionAttention() {
        int width = HEADS * HEAD_DIM;
        Attention.bidirectional(pool, qkv, T, HEADS, HEAD_DIM, 3 * width, 0, width, 2 * width, out, width);
        return out;
    }
}
