package org.visionpangu4j.kernels;

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
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The two compute paths of the quantized GEMV on one thread (kernel only, no pool): "dequant" widens the quants to
 * F32 and FMAs with x; "int8" quantizes x per block (included in the time) and multiplies in integer lanes.
 * Run at each width with {@code -jvmArgsAppend -Dvisionpangu.vector.bits=128|256|512}. Lives in the kernels'
 * package to reach the package-private kernels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class QuantPathBench {
    @Param({"Q8_0", "Q4_0"})
    public WeightFormat format;

    @Param({"dequant", "int8"})
    public String path;

    /** rows × cols: an L2-resident matrix (compute-bound) and one from DRAM/L3. */
    @Param({"1024x1536", "16384x1536"})
    public String shape;

    private Arena arena;
    private WeightMatrix w;
    private float[] x;
    private float[] y;
    private final Int8Activations xa = new Int8Activations();

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split("x");
        int rows = Integer.parseInt(s[0]);
        int cols = Integer.parseInt(s[1]);
        arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(2L * rows * cols, 64);
        SplittableRandom rnd = new SplittableRandom(5);
        ValueLayout.OfShort le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < (long) rows * cols; i++) {
            seg.setAtIndex(le, i, Numerics.floatToBf16((float) (rnd.nextDouble() - 0.5) * 0.1f));
        }
        try (WorkerPool pool = new WorkerPool(1)) {
            w = WeightMatrix.of(new Tensor("w", DType.BF16, new long[] {rows, cols}, seg), format, arena, pool);
        }
        x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        y = new float[rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float gemv(org.visionpangu4j.bench.Counters c) {
        int rows = w.rows();
        if (path.equals("int8")) {
            xa.quantize(x, 0, w.cols());
            if (w instanceof Q8_0Matrix q8) {
                q8.gemvRowsInt8(0, rows, xa, null, y, 0, false);
            } else {
                ((Q4_0Matrix) w).gemvRowsInt8(0, rows, xa, null, y, 0, false);
            }
        } else {
            w.gemvRows(0, rows, x, 0, null, y, 0, false);
        }
        c.bytes += w.byteSize();
        return y[0];
    }
}
