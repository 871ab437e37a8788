package org.visionpangu4j.kernels;

import org.visionpangu4j.core.parallel.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The storage order of the block-quantized formats ({@link Q8_0Matrix}, {@link Q4_0Matrix}): rows in groups of
 * {@link #ROWS}, the rows one GEMV pass reads together, and within a group block b of every row side by side.
 * Block (r, b) of a matrix with nb blocks per row is block number ((r/G)·nb + b)·G + r mod G: quants at that
 * number times the block's bytes, the F16 scale at twice it.
 *
 * <p>Why: decode streams the weights from DRAM, and the hardware prefetcher keeps up with one forward stream per
 * thread far better than with G streams a row apart. Measured on a 153376×1536 Q8_0 matrix (2 threads, the Xeon
 * VM, 2026-11-26, a standalone loop of the 4-row kernel): 13.0–14.4 GB/s interleaved against 10.0–12.3 row-major;
 * end to end (`visionpangu bench --skip vision,prefill`, alternating builds) decode went from 9.3–9.4 to 10.7–11.2
 * t/s for Q8_0 and from 12.3–12.5 to 15.3 t/s for Q4_0 (with its unsigned nibbles). The same test on BF16 rows
 * showed no gain (20–21 GB/s either way), so BF16 stays a zero-copy view of the file.
 */
final class RowGroups {
    /**
     * Rows per group and per GEMV pass: four at 512 bits, two at 256, one (row-major) at 128. At narrower widths a
     * block takes more slices, and a multi-row body grows too large for C2 to unroll the slice loop (measured at 256
     * bits: two rows 2× faster than four; at 128 bits: one row 1.3× faster than two).
     */
    static final int ROWS = Widen.L >= 16 ? 4 : Widen.L >= 8 ? 2 : 1;
    static final int QK = 32;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RowGroups() {
    }

    /** Block (r, b)'s number in storage order: group r/G, then block b, then row r mod G within the group. */
    static long block(int r, int b, int nb) {
        return ((long) (r / ROWS) * nb + b) * ROWS + r % ROWS;
    }

    /** Blocks to allocate for {@code rows} rows: whole groups (the missing rows of a last group are never read). */
    private static long storedBlocks(int rows, int nb) {
        return (long) ((rows + ROWS - 1) / ROWS) * ROWS * nb;
    }

    /** A format's block quantizer: x[off .. off+32) → quant bytes at q[qOff ..), returns the F16 scale bits. */
    interface BlockQuantizer {
        short quantize(float[] x, int off, byte[] q, int qOff, String name, int r, int b);
    }

    /** A quantized matrix's two regions: quants and F16 scales, each padded by {@link Widen#PAD} bytes. */
    record Stored(MemorySegment quants, MemorySegment scales) {
    }

    /**
     * Quantizes every row of {@code src} into quants ({@code blockBytes} per block) and F16 scales allocated from
     * {@code arena}, in storage order, one group of rows at a time on {@code pool}: decode the group's rows,
     * quantize its blocks in storage order (a block's vector store may spill past it at 128 bits; the next block
     * overwrites that), copy the group out in one piece.
     */
    static Stored quantize(WeightMatrix src, Arena arena, int blockBytes, BlockQuantizer f, WorkerPool pool) {
        int rows = src.rows();
        int cols = src.cols();
        int nb = (cols + QK - 1) / QK;
        long blocks = storedBlocks(rows, nb);
        MemorySegment qs = arena.allocate(blocks * blockBytes + Widen.PAD, 64);
        MemorySegment sc = arena.allocate(2L * blocks + Widen.PAD, 64);
        int groups = (rows + ROWS - 1) / ROWS;
        pool.parallelFor(0, groups, 2, (g0, g1) -> {
            float[] x = new float[ROWS * nb * QK];
            byte[] q = new byte[ROWS * nb * blockBytes + Widen.PAD];
            for (int g = g0; g < g1; g++) {
                int r0 = g * ROWS;
                int n = Math.min(ROWS, rows - r0);
                for (int i = 0; i < n; i++) {
                    src.decode(r0 + i, 0, cols, x, i * nb * QK);
                }
                for (int b = 0; b < nb; b++) {
                    for (int i = 0; i < n; i++) {
                        short d = f.quantize(x, (i * nb + b) * QK, q, (b * ROWS + i) * blockBytes, src.name(), r0 + i, b);
                        sc.set(SHORT_LE, 2L * block(r0 + i, b, nb), d);
                    }
                }
                MemorySegment.copy(q, 0, qs, ValueLayout.JAVA_BYTE, block(r0, 0, nb) * blockBytes, ROWS * nb * blockBytes);
            }
        });
        return new Stored(qs, sc);
    }
}
