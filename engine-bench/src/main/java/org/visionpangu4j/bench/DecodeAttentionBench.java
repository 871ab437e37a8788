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
import org.visionpangu4j.kernels.KvCache;

/**
 * One decode step of causal attention for one openPangu-Embedded-1B layer: 12 query heads over 6 KV heads of 128,
 * against {@code context} cached positions, F32 or int8 cache. The {@code bytes} counter counts the K and V bytes
 * the step has to read (2·context·6·128 values, 4 bytes or 1 byte + scales), so its rate is the cache read
 * bandwidth; compare with {@link ProbeBench#memoryBandwidth}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DecodeAttentionBench {
    static final int HEADS = 12;
    static final int KV_HEADS = 6;
    static final int HEAD_DIM = 128;

    @Param({"F32", "INT8"})
    public KvCache.Type cache;

    @Param({"512", "4096"})
    public int context;

    @Param({"1", "2"})
    public int threads;

    private WorkerPool pool;
    private KvCache kv;
    private float[] q;
    private float[] out;
    private long bytesPerStep;

    @Setup(Level.Trial)
    public void setup() {
        pool = new WorkerPool(threads);
        kv = new KvCache(cache, 1, KV_HEADS, HEAD_DIM, context + 1);
        int width = KV_HEADS * HEAD_DIM;
        for (int p = 0; p <= context; p++) {
            kv.put(0, p, BenchData.vector(width, 2L * p), 0, BenchData.vector(width, 2L * p + 1), 0);
        }
        q = BenchData.vector(HEADS * HEAD_DIM, -1);
        out = new float[HEADS * HEAD_DIM];
        long values = 2L * (context + 1) * width;
        bytesPerStep = cache == KvCache.Type.F32 ? 4 * values : values + 2L * (context + 1) * KV_HEADS * 4;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float decodeStep(Counters c) {
        Attention.causal(pool, kv, 0, q, 1, context, HEADS, out);
        c.bytes += bytesPerStep;
        return out[0];
    }
}
