package org.visionpangu4j.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A typed, shaped, read-only view over bytes in a {@link MemorySegment} (normally a memory-mapped safetensors
 * region). Row-major, little-endian. Holding a Tensor copies nothing; its segment is valid until the owning
 * checkpoint is closed, after which any access throws {@link IllegalStateException}.
 */
public final class Tensor {
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble DOUBLE_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final MemorySegment data;

    public Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
        long expected = numel(this.shape) * dtype.byteSize();
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor " + name + ": " + data.byteSize() + " bytes for shape "
                    + Arrays.toString(shape) + " of " + dtype + " (expected " + expected + ")");
        }
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative i counts from the end. */
    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public long numel() {
        return numel(shape);
    }

    /** The raw bytes (read-only view). */
    public MemorySegment data() {
        return data;
    }

    /** Element {@code i} (flat, row-major) converted to float. */
    public float getFloat(long i) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(FLOAT_LE, i);
            case BF16 -> Numerics.bf16ToFloat(data.getAtIndex(SHORT_LE, i));
            case F16 -> Numerics.f16ToFloat(data.getAtIndex(SHORT_LE, i));
            case F64 -> (float) data.getAtIndex(DOUBLE_LE, i);
            case I64 -> data.getAtIndex(LONG_LE, i);
            case I32 -> data.getAtIndex(INT_LE, i);
            case I16 -> data.getAtIndex(SHORT_LE, i);
            case I8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
        };
    }

    /** Element {@code i} as a long (integer dtypes only). */
    public long getLong(long i) {
        return switch (dtype) {
            case I64 -> data.getAtIndex(LONG_LE, i);
            case I32 -> data.getAtIndex(INT_LE, i);
            case I16 -> data.getAtIndex(SHORT_LE, i);
            case I8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            default -> throw new UnsupportedOperationException("tensor " + name + " is " + dtype + ", not an integer type");
        };
    }

    /**
     * Converts the whole tensor to a new float array. Meant for small parameters (norm weights, biases) and
     * test data; large weight matrices stay in their segment and are read by the kernels directly.
     */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new UnsupportedOperationException("tensor " + name + " has " + n + " elements, too many for a float[]");
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    /** Requires the given shape exactly, naming this tensor in the error otherwise. */
    public Tensor expectShape(long... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new org.visionpangu4j.core.ModelFormatException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(expected));
        }
        return this;
    }

    /** The same bytes seen with another shape of equal element count. */
    public Tensor reshape(long... newShape) {
        if (numel(newShape) != numel()) {
            throw new IllegalArgumentException("cannot reshape " + name + " " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new Tensor(name, dtype, newShape, data);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
