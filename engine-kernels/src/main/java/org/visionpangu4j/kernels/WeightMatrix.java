package org.visionpangu4j.kernels;

import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.util.function.UnaryOperator;

/**
 * A weight matrix W[rows, cols] (PyTorch Linear layout: one row per output) in some {@link WeightFormat}.
 * {@link #get} is the scalar executable spec; {@link #dot}, {@link #decodeRow} and the row kernels used by
 * {@link MatMul} are vector code that must agree with it.
 * Memory is never on the Java heap: as-stored formats view the mapped tensor, converted ones live in an Arena.
 *
 * <p>Each format class implements three kernels: {@link #decode} (a row slice to F32, used for embedding lookup
 * and to pack GEMM panels), {@link #gemvRows} (several rows against one activation row, for GEMV) and
 * {@link #dot}. Java has no templates, so the per-format inner loops are written out in each class.
 */
public abstract class WeightMatrix {
    protected final String name;
    protected final int rows;
    protected final int cols;

    protected WeightMatrix(String name, int rows, int cols) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
    }

    public String name() {
        return name;
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    public abstract WeightFormat format();

    /** Bytes of weight data (what a GEMV streams). */
    public abstract long byteSize();

    /** W[r, c] as float — the scalar spec of the format. */
    public abstract float get(int r, int c);

    /** Σ_c W[r, c]·x[xOff + c] — the vector kernel. */
    public final float dot(int r, float[] x, int xOff) {
        checkRow(r);
        checkVector("x", x, xOff, cols);
        return dotRow(r, x, xOff);
    }

    /** Decodes row r into out[outOff .. outOff+cols) (embedding lookup). */
    public final void decodeRow(int r, float[] out, int outOff) {
        checkRow(r);
        checkVector("out", out, outOff, cols);
        decode(r, 0, cols, out, outOff);
    }

    /** Unchecked {@link #dot}. */
    abstract float dotRow(int r, float[] x, int xOff);

    /**
     * W[r, c0 .. c0+len) → out[outOff ..), exactly the values of {@link #get}. {@code c0} is a multiple of the
     * format's block size (GEMM packs K blocks that are multiples of 32). Unchecked.
     */
    abstract void decode(int r, int c0, int len, float[] out, int outOff);

    /**
     * {@link #decode} of rows r0 .. r0+n, row i to out[outOff + i·ld ..]: one call per GEMM panel, so a format can
     * fetch its per-thread scratch once per panel instead of once per row and K block (JFR put 6% of BF16 vision
     * samples in that lookup; the harness showed no difference beyond its noise, 4.4–5.1 s per tile either way).
     */
    void decodeRows(int r0, int n, int c0, int len, float[] out, int outOff, int ld) {
        for (int i = 0; i < n; i++) {
            decode(r0 + i, c0, len, out, outOff + i * ld);
        }
    }

    /**
     * For r in [r0, r1): y[yOff + r] = (accumulate ? y[yOff + r] : 0) + Σ_c W[r,c]·x[xOff + c] + bias[r].
     * {@code bias} may be null. Several rows per pass, so each x load feeds several FMAs. Unchecked.
     */
    abstract void gemvRows(int r0, int r1, float[] x, int xOff, float[] bias, float[] y, int yOff, boolean accumulate);

    /** Writes one GEMV result with bias and fused residual add. */
    static void put(float[] y, int i, float v, float[] bias, int r, boolean accumulate) {
        if (bias != null) {
            v += bias[r];
        }
        y[i] = accumulate ? y[i] + v : v;
    }

    final void checkRow(int r) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException(this + ": row " + r + " out of range");
        }
    }

    final void checkVector(String what, float[] a, int off, int n) {
        if (a == null) {
            throw new IllegalArgumentException(this + ": " + what + " is null");
        }
        if (off < 0 || (long) off + n > a.length) {
            throw new IllegalArgumentException(this + ": " + what + " needs " + n + " floats from offset " + off
                    + " but has length " + a.length);
        }
    }

    /** A view over a 2-D F32/BF16/F16 tensor as stored (no copy). */
    public static WeightMatrix wrap(Tensor t) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException("tensor " + t.name() + " is not 2-D: " + t);
        }
        if (t.dim(0) > Integer.MAX_VALUE || t.dim(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + t.name() + " is too large: " + t);
        }
        return switch (t.dtype()) {
            case F32 -> new F32Matrix(t);
            case BF16 -> new BF16Matrix(t);
            case F16 -> new F16Matrix(t);
            default -> throw new UnsupportedOperationException("tensor " + t.name() + ": weight dtype " + t.dtype()
                    + " is not supported (F32, BF16, F16 as stored)");
        };
    }

    /**
     * {@code t} in {@code format}: a view when the format is how it is stored, otherwise converted into memory
     * allocated from {@code arena} (quantized at load) on {@code pool}'s threads. The arena must be shared
     * ({@link Arena#ofShared}, {@link Arena#ofAuto} or global): pool threads write and read the memory.
     */
    public static WeightMatrix of(Tensor t, WeightFormat format, Arena arena, WorkerPool pool) {
        WeightMatrix stored = wrap(t);
        if (stored.format() == format) {
            return stored;
        }
        return switch (format) {
            case Q8_0 -> Q8_0Matrix.quantize(stored, arena, pool);
            case Q4_0 -> Q4_0Matrix.quantize(stored, arena, pool);
            case F32, BF16, F16 -> DenseConvert.convert(stored, format, arena, pool);
        };
    }

    /**
     * Tensor {@code name} of {@code ckpt} in {@code format} ({@code null} = as stored). As stored it is a view of
     * the checkpoint's tensor (zero-copy over the mapped file, or its anonymous copy). Otherwise it is converted
     * into {@code ckpt.arena()} from a temporary mapping that is unmapped right after, so the source bytes do not
     * stay in the process's resident memory next to their converted copy (nor get copied to anonymous memory).
     * {@code check} sees the tensor before anything is wrapped or converted (shape and dtype checks with errors
     * that name it) and returns it. Conversion runs on {@code pool}, the caller's threads: the kernels keep no
     * pool of their own.
     */
    public static WeightMatrix load(Checkpoint ckpt, String name, WeightFormat format, UnaryOperator<Tensor> check,
                                    WorkerPool pool) {
        if (format == null || format == WeightFormat.asStored(ckpt.dtype(name))) {
            return wrap(check.apply(ckpt.tensor(name)));
        }
        return ckpt.withTemporaryMapping(name, t -> of(check.apply(t), format, ckpt.arena(), pool));
    }

    @Override
    public String toString() {
        return name + " " + format() + "[" + rows + ", " + cols + "]";
    }
}
