package org.visionpangu4j.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every format's vector kernels (decode, dot) against its scalar spec {@code get}. */
class WeightMatrixTest {
    private static final int[] COLS = {1, 31, 32, 33, 64, 257, 1000};
    private static final WorkerPool POOL = new WorkerPool(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    @ParameterizedTest
    @EnumSource(WeightFormat.class)
    void decodeRowEqualsGetExactly(WeightFormat format) {
        try (Arena arena = Arena.ofShared()) {
            for (int cols : COLS) {
                WeightMatrix w = Matrices.random(arena, POOL, format, 5, cols, cols);
                assertEquals(format, w.format());
                float[] out = new float[cols + 3];
                for (int r = 0; r < w.rows(); r++) {
                    w.decodeRow(r, out, 3);
                    for (int c = 0; c < cols; c++) {
                        assertEquals(Float.floatToRawIntBits(w.get(r, c)), Float.floatToRawIntBits(out[3 + c]),
                                w + " decodeRow(" + r + ")[" + c + "]");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WeightFormat.class)
    void dotMatchesScalarReference(WeightFormat format) {
        Random rnd = new Random(7);
        try (Arena arena = Arena.ofShared()) {
            for (int cols : COLS) {
                WeightMatrix w = Matrices.random(arena, POOL, format, 6, cols, 100 + cols);
                float[] x = Matrices.gaussian(rnd, cols + 5, 1f);
                for (int r = 0; r < w.rows(); r++) {
                    double ref = Matrices.dot(w, r, x, 5);
                    double tol = Matrices.bound(Matrices.termCount(w), Matrices.absTerms(w, r, x, 5));
                    float got = w.dot(r, x, 5);
                    assertTrue(Math.abs(got - ref) <= tol, w + " row " + r + ": dot " + got + " vs " + ref + " (tol " + tol + ")");
                }
            }
        }
    }

    @Test
    void bf16AndF16DecodeEveryBitPatternExactly() {
        // All 65536 16-bit patterns (normals, subnormals, ±0, ±Inf, NaNs) through the vector widening.
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(2L * 65536);
            for (int i = 0; i < 65536; i++) {
                seg.setAtIndex(Matrices.SHORT_LE, i, (short) i);
            }
            for (DType dtype : new DType[] {DType.BF16, DType.F16}) {
                WeightMatrix w = WeightMatrix.wrap(new Tensor("all", dtype, new long[] {256, 256}, seg));
                float[] row = new float[256];
                for (int r = 0; r < 256; r++) {
                    w.decodeRow(r, row, 0);
                    for (int c = 0; c < 256; c++) {
                        short bits = (short) (r * 256 + c);
                        float want = dtype == DType.BF16 ? Numerics.bf16ToFloat(bits) : Numerics.f16ToFloat(bits);
                        String what = dtype + " bits 0x" + Integer.toHexString(bits & 0xFFFF);
                        if (Float.isNaN(want)) {
                            // NaN payload quieting differs between the JDK's scalar path and hardware; NaN stays NaN.
                            assertTrue(Float.isNaN(row[c]) && Float.isNaN(w.get(r, c)), what);
                        } else {
                            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(row[c]), what);
                            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(w.get(r, c)), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void storedFormatIsAViewAndByteSizesFollowTheTable() {
        try (Arena arena = Arena.ofShared()) {
            Tensor t = Matrices.tensor(arena, "t", DType.BF16, 3, 70, new float[210]);
            WeightMatrix w = WeightMatrix.of(t, WeightFormat.BF16, arena, POOL);
            assertSame(BF16Matrix.class, w.getClass());
            assertEquals(210L * 2, w.byteSize());
            // 70 columns = 3 blocks of 32 (the last one padded).
            assertEquals(3L * 3 * WeightFormat.Q8_0.bytesPerBlock(), WeightMatrix.of(t, WeightFormat.Q8_0, arena, POOL).byteSize());
            assertEquals(3L * 3 * WeightFormat.Q4_0.bytesPerBlock(), WeightMatrix.of(t, WeightFormat.Q4_0, arena, POOL).byteSize());
            assertEquals(210L * 4, WeightMatrix.of(t, WeightFormat.F32, arena, POOL).byteSize());
        }
    }

    @Test
    void denseConversionsRoundToNearestEven() {
        Random rnd = new Random(3);
        float[] v = Matrices.gaussian(rnd, 4 * 45, 3f);
        try (Arena arena = Arena.ofShared()) {
            Tensor t = Matrices.tensor(arena, "t", DType.F32, 4, 45, v);
            WeightMatrix bf = WeightMatrix.of(t, WeightFormat.BF16, arena, POOL);
            WeightMatrix hf = WeightMatrix.of(t, WeightFormat.F16, arena, POOL);
            WeightMatrix back = WeightMatrix.of(Matrices.tensor(arena, "h", DType.F16, 4, 45, v), WeightFormat.F32, arena, POOL);
            for (int i = 0; i < v.length; i++) {
                assertEquals(Numerics.bf16ToFloat(Numerics.floatToBf16(v[i])), bf.get(i / 45, i % 45));
                assertEquals(Numerics.f16ToFloat(Numerics.floatToF16(v[i])), hf.get(i / 45, i % 45));
                assertEquals(Numerics.f16ToFloat(Numerics.floatToF16(v[i])), back.get(i / 45, i % 45));
            }
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheMatrixNamed() {
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix w = Matrices.random(arena, POOL, WeightFormat.Q8_0, 4, 40, 1);
            assertThrows(IndexOutOfBoundsException.class, () -> w.dot(4, new float[40], 0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.dot(0, new float[40], 1));
            assertTrue(e.getMessage().contains(w.name()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.decodeRow(0, new float[39], 0));
            Tensor oneD = new Tensor("v", DType.F32, new long[] {4}, arena.allocate(16));
            assertThrows(IllegalArgumentException.class, () -> WeightMatrix.wrap(oneD));
        }
    }
}
