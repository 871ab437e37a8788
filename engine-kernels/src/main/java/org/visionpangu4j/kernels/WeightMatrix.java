package org.visionpangu4j.kernels;

import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.Arena;

/**
 * A weight matrix W[rows, cols] (PyTorch Linear layout: one row per output) in some {@link WeightFormat}.
 * {@link #get} is the scalar executable spec; {@link #dot} is the vector kernel that must agree with it.
 * Memory is never on the Java heap: as-stored formats view the mapped tensor, quantized ones live in an Arena.
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
    public abstract float dot(int r, float[] x, int xOff);

    /** Decodes row r into out[outOff .. outOff+cols) (embedding lookup). */
    public void decodeRow(int r, float[] out, int outOff) {
        for (int c = 0; c < cols; c++) {
            out[outOff + c] = get(r, c);
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
     * allocated from {@code arena} (quantized at load).
     */
    public static WeightMatrix of(Tensor t, WeightFormat format, Arena arena) {
        WeightMatrix stored = wrap(t);
        if (stored.format() == format) {
            return stored;
        }
        return switch (format) {
            case Q8_0 -> Q8_0Matrix.quantize(stored, arena);
            case Q4_0 -> Q4_0Matrix.quantize(stored, arena);
            default -> throw new UnsupportedOperationException("converting " + t.name() + " from " + stored.format()
                    + " to " + format + " is not supported; keep it as stored or quantize to Q8_0/Q4_0");
        };
    }

    @Override
    public String toString() {
        return name + " " + format() + "[" + rows + ", " + cols + "]";
    }
}
