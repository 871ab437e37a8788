package org.visionpangu4j.kernels;

import org.visionpangu4j.core.tensor.DType;

/**
 * The weight formats a {@link WeightMatrix} can hold, as a table: block size (elements sharing one scale) and
 * bytes per block. Adding a format = one row here plus its matrix class.
 */
public enum WeightFormat {
    F32(1, 4),
    BF16(1, 2),
    F16(1, 2),
    /** 32 int8 quants + one scale per block (scale = max|x| / 127), as ggml's Q8_0. */
    Q8_0(32, 34),
    /** 32 4-bit quants + one scale per block (scale = signed max / −8, value = (nibble − 8)·scale), as ggml's Q4_0. */
    Q4_0(32, 18);

    private final int blockSize;
    private final int bytesPerBlock;

    WeightFormat(int blockSize, int bytesPerBlock) {
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    public int blockSize() {
        return blockSize;
    }

    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    public boolean quantized() {
        return blockSize > 1;
    }

    /** Bytes of the weight data of a rows × cols matrix in this format (whole blocks in each row). */
    public long byteSize(long rows, long cols) {
        return Math.multiplyExact(rows, (cols + blockSize - 1) / blockSize * bytesPerBlock);
    }

    /** The format in which a tensor of {@code dtype} is used as stored (F32, BF16, F16); null for other dtypes. */
    public static WeightFormat asStored(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case BF16 -> BF16;
            case F16 -> F16;
            default -> null;
        };
    }

    /** Parses "f32", "bf16", "f16", "q8_0", "q4_0" (case-insensitive). */
    public static WeightFormat parse(String s) {
        for (WeightFormat f : values()) {
            if (f.name().equalsIgnoreCase(s.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown weight format '" + s + "' (expected f32, bf16, f16, q8_0 or q4_0)");
    }
}
