package org.visionpangu4j.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * What the block-quantized formats share: blocks of 32 consecutive elements of a row, each with an F16 scale,
 * quants and scales in two off-heap regions in {@link RowGroups} order, and the GEMV driver that converts a group's
 * scales once and runs the group's rows in one pass. A format adds its scalar spec ({@link #get}), its block
 * quantizer, {@link #decode} and the row kernels ({@link #dotRow(int, float[], int, float[])}, {@link #dot4},
 * {@link #dot2}).
 */
abstract sealed class BlockQuantMatrix extends WeightMatrix permits Q8_0Matrix, Q4_0Matrix {
    static final int QK = RowGroups.QK;
    /** Rows per group and per GEMV pass. */
    static final int ROWS = RowGroups.ROWS;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Quants, {@code blockBytes} per block. */
    final MemorySegment qs;
    /** F16 scales, two bytes per block. */
    final MemorySegment sc;
    /** Blocks per row: ⌈cols/32⌉. */
    final int nb;
    private final int blockBytes;

    BlockQuantMatrix(String name, int rows, int cols, MemorySegment qs, MemorySegment sc, int blockBytes) {
        super(name, rows, cols);
        this.qs = qs;
        this.sc = sc;
        this.nb = blocks(cols);
        this.blockBytes = blockBytes;
    }

    static int blocks(int cols) {
        return (cols + QK - 1) / QK;
    }

    @Override
    public final long byteSize() {
        return (long) rows * nb * format().bytesPerBlock();
    }

    /** Block (r, b)'s number in storage order. */
    final long block(int r, int b) {
        return RowGroups.block(r, b, nb);
    }

    /** The F16 bits of block b's scale in row r. */
    final short scaleBits(int r, int b) {
        return sc.get(SHORT_LE, 2L * block(r, b));
    }

    final float scale(int r, int b) {
        return Float.float16ToFloat(scaleBits(r, b));
    }

    /**
     * The quants of group g as their own segment, with the {@link Widen#PAD} bytes after it (a 128-bit load reads 8
     * bytes for 4 lanes). Loads at loop-invariant slices let C2 hoist the bounds checks out of the loop.
     */
    final MemorySegment groupQuants(int g) {
        long stride = (long) ROWS * nb * blockBytes;
        return qs.asSlice(g * stride, stride + Widen.PAD);
    }

    /** Byte offset of block (r, b)'s quants inside {@link #groupQuants}(r / ROWS). */
    final long inGroup(int r, int b) {
        return (long) (b * ROWS + r % ROWS) * blockBytes;
    }

    /** What the row kernels need from x once per call (Q4_0: each block's −8·Σx), or null. */
    abstract float[] prepare(float[] x, int xOff);

    /** Row r · x[xOff ..], with p = prepare(x, xOff). */
    abstract float dotRow(int r, float[] x, int xOff, float[] p);

    /** Rows r .. r+4 of the group starting at r → y (with bias, accumulate), scales pre-converted into d[4b + i]. */
    abstract void dot4(int r, float[] x, int xOff, float[] p, float[] d, float[] bias, float[] y, int yOff, boolean accumulate);

    /** Rows r .. r+2 of the group starting at r → y, scales pre-converted into d[2b + i]. */
    abstract void dot2(int r, float[] x, int xOff, float[] p, float[] d, float[] bias, float[] y, int yOff, boolean accumulate);

    /**
     * Finishes row r of a pass: adds the columns past the last whole block (scalar, from {@link #get}) to the
     * vector kernel's sum t and writes y[yOff + r] with bias and accumulate.
     */
    final void finishRow(int r, float t, float[] x, int xOff, float[] bias, float[] y, int yOff, boolean accumulate) {
        for (int c = cols / QK * QK; c < cols; c++) {
            t += get(r, c) * x[xOff + c];
        }
        put(y, yOff + r, t, bias, r, accumulate);
    }

    @Override
    final float dotRow(int r, float[] x, int xOff) {
        return dotRow(r, x, xOff, prepare(x, xOff));
    }

    @Override
    final void gemvRows(int r0, int r1, float[] x, int xOff, float[] bias, float[] y, int yOff, boolean accumulate) {
        float[] p = prepare(x, xOff);
        int r = r0;
        for (; r < r1 && r % ROWS != 0; r++) { // a range starting inside a group (never from MatMul)
            put(y, yOff + r, dotRow(r, x, xOff, p), bias, r, accumulate);
        }
        if (ROWS > 1) {
            float[] d = Widen.scratch(ROWS * nb);
            short[] h = Widen.shortScratch(ROWS * nb + Widen.L);
            for (; r + ROWS <= r1; r += ROWS) {
                Widen.f16Row(sc, 2L * block(r, 0), ROWS * nb, h, d);
                if (ROWS == 4) {
                    dot4(r, x, xOff, p, d, bias, y, yOff, accumulate);
                } else {
                    dot2(r, x, xOff, p, d, bias, y, yOff, accumulate);
                }
            }
        }
        for (; r < r1; r++) {
            put(y, yOff + r, dotRow(r, x, xOff, p), bias, r, accumulate);
        }
    }
}
