package org.visionpangu4j.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Q8_0 and Q4_0 quantization: bit-exact against a straightforward scalar transcription of ggml's reference
 * quantizers (written here independently of the production code), and the round-trip error bounds.
 */
class QuantizeTest {
    private static final WorkerPool POOL = new WorkerPool(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    /** Rows of awkward data: gaussian, ties at .5 after scaling, zeros, a single spike, constant, tiny values. */
    private static float[] awkwardRow(Random rnd, int kind, int cols) {
        float[] x = new float[cols];
        for (int c = 0; c < cols; c++) {
            x[c] = switch (kind % 6) {
                case 0 -> (float) rnd.nextGaussian();
                // d = 31.75/127 = 0.25 exactly, so x·(1/d) = k + 0.5: ties, rounded away from zero as roundf does.
                case 1 -> c % 32 == 0 ? 31.75f : (rnd.nextInt(254) - 127 + 0.5f) * 0.25f;
                case 2 -> 0f;
                case 3 -> c % 32 == 5 ? -40f : (float) rnd.nextGaussian() * 1e-3f;
                case 4 -> 0.75f;
                default -> (float) rnd.nextGaussian() * 1e-4f;
            };
        }
        return x;
    }

    // ggml quantize_row_q8_0_ref, one block: d = amax/127, id = 1/d, q = roundf(x·id), d stored as fp16.
    private static short refQ8(float[] x, int off, byte[] q) {
        float amax = 0f;
        for (int j = 0; j < 32; j++) {
            float v = Math.abs(x[off + j]);
            if (v > amax) {
                amax = v;
            }
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        for (int j = 0; j < 32; j++) {
            float v = x[off + j] * id;
            // roundf: round half away from zero.
            q[j] = (byte) (v >= 0 ? (int) Math.floor((double) v + 0.5) : -(int) Math.floor(-(double) v + 0.5));
        }
        return Float.floatToFloat16(d);
    }

    // ggml quantize_row_q4_0_ref, one block: max = signed value of largest |x| (first), d = max/−8, id = 1/d,
    // q = MIN(15, (int8_t)(x·id + 8.5f)), low nibble j, high nibble j+16.
    private static short refQ4(float[] x, int off, int[] q) {
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < 32; j++) {
            float v = x[off + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0f;
        for (int j = 0; j < 32; j++) {
            float t = x[off + j] * id + 8.5f;
            q[j] = Math.min(15, (int) t);
        }
        return Float.floatToFloat16(d);
    }

    private static float[] padded(float[] row, int cols) {
        float[] p = new float[(cols + 31) / 32 * 32];
        System.arraycopy(row, 0, p, 0, cols);
        return p;
    }

    @Test
    void q8QuantsAndScalesMatchGgmlReferenceExactly() {
        Random rnd = new Random(11);
        int rows = 12;
        for (int cols : new int[] {32, 33, 100, 257}) {
            float[] v = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(awkwardRow(rnd, r, cols), 0, v, r * cols, cols);
            }
            try (Arena arena = Arena.ofShared()) {
                Q8_0Matrix w = (Q8_0Matrix) WeightMatrix.of(Matrices.tensor(arena, "w", DType.F32, rows, cols, v), WeightFormat.Q8_0, arena, POOL);
                byte[] q = new byte[32];
                for (int r = 0; r < rows; r++) {
                    float[] row = new float[cols];
                    System.arraycopy(v, r * cols, row, 0, cols);
                    float[] p = padded(row, cols);
                    for (int b = 0; b < p.length / 32; b++) {
                        short d = refQ8(p, b * 32, q);
                        assertEquals(d, w.scaleBits(r, b), "scale of row " + r + " block " + b);
                        for (int j = 0; j < 32 && b * 32 + j < cols; j++) {
                            assertEquals(q[j], w.quant(r, b * 32 + j), "quant (" + r + ", " + (b * 32 + j) + ")");
                            assertEquals(q[j] * Float.float16ToFloat(d), w.get(r, b * 32 + j));
                        }
                    }
                }
            }
        }
    }

    @Test
    void q4QuantsAndScalesMatchGgmlReferenceExactly() {
        Random rnd = new Random(12);
        int rows = 12;
        for (int cols : new int[] {32, 33, 100, 257}) {
            float[] v = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(awkwardRow(rnd, r, cols), 0, v, r * cols, cols);
            }
            try (Arena arena = Arena.ofShared()) {
                Q4_0Matrix w = (Q4_0Matrix) WeightMatrix.of(Matrices.tensor(arena, "w", DType.F32, rows, cols, v), WeightFormat.Q4_0, arena, POOL);
                int[] q = new int[32];
                for (int r = 0; r < rows; r++) {
                    float[] row = new float[cols];
                    System.arraycopy(v, r * cols, row, 0, cols);
                    float[] p = padded(row, cols);
                    for (int b = 0; b < p.length / 32; b++) {
                        short d = refQ4(p, b * 32, q);
                        assertEquals(d, w.scaleBits(r, b), "scale of row " + r + " block " + b);
                        for (int j = 0; j < 32 && b * 32 + j < cols; j++) {
                            assertEquals(q[j], w.quant(r, b * 32 + j), "quant (" + r + ", " + (b * 32 + j) + ")");
                            assertEquals((q[j] - 8) * Float.float16ToFloat(d), w.get(r, b * 32 + j));
                        }
                    }
                }
            }
        }
    }

    /**
     * Q8_0: q = round(x/d) errs by at most d/2 in units of the unrounded scale d; the stored scale is
     * d₁₆ = fp16(d), which adds |q|·|d − d₁₆| ≤ 127·|d − d₁₆|. A few ulps of slack cover the float products.
     */
    @Test
    void q8RoundTripErrorIsAtMostHalfAStep() {
        Random rnd = new Random(21);
        int rows = 40;
        int cols = 96;
        float[] v = Matrices.gaussian(rnd, rows * cols, 2f);
        try (Arena arena = Arena.ofShared()) {
            Q8_0Matrix w = (Q8_0Matrix) WeightMatrix.of(Matrices.tensor(arena, "w", DType.F32, rows, cols, v), WeightFormat.Q8_0, arena, POOL);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / 32; b++) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(v[r * cols + b * 32 + j]));
                    }
                    double d = amax / 127f;
                    double d16 = Float.float16ToFloat(w.scaleBits(r, b));
                    for (int j = 0; j < 32; j++) {
                        int c = b * 32 + j;
                        double x = v[r * cols + c];
                        int q = w.quant(r, c);
                        assertTrue(Math.abs(q) <= 127);
                        assertTrue(Math.abs(x - q * d) <= d / 2 * (1 + 1e-5), "step error at (" + r + ", " + c + ")");
                        double bound = d / 2 + 127 * Math.abs(d - d16) + 4 * Math.ulp((float) x);
                        assertTrue(Math.abs(x - w.get(r, c)) <= bound, "round trip at (" + r + ", " + c + ")");
                    }
                }
            }
        }
    }

    /**
     * Q4_0: 16 levels (q − 8)·d with d = m/−8 for the signed extreme m. Every x with x/d < 7.5 lands within |d|/2
     * of its level; x/d ∈ [7.5, 8] (only the opposite extreme side, −m direction) is clamped to level 7 and errs by
     * at most |d|. The element m itself is exact. F16 storage of d adds 8·|d − d₁₆|.
     */
    @Test
    void q4RoundTripErrorIsHalfAStepExceptTheClampedEnd() {
        Random rnd = new Random(22);
        int rows = 40;
        int cols = 96;
        float[] v = Matrices.gaussian(rnd, rows * cols, 2f);
        // Force the clamp: in some blocks put both +a and −a, the second one is clamped.
        for (int r = 0; r < rows; r += 3) {
            v[r * cols + 3] = 9f;
            v[r * cols + 20] = -9f;
        }
        int clamped = 0;
        try (Arena arena = Arena.ofShared()) {
            Q4_0Matrix w = (Q4_0Matrix) WeightMatrix.of(Matrices.tensor(arena, "w", DType.F32, rows, cols, v), WeightFormat.Q4_0, arena, POOL);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / 32; b++) {
                    float amax = 0;
                    float m = 0;
                    for (int j = 0; j < 32; j++) {
                        float x = v[r * cols + b * 32 + j];
                        if (Math.abs(x) > amax) {
                            amax = Math.abs(x);
                            m = x;
                        }
                    }
                    double d = m / -8f;
                    double d16 = Float.float16ToFloat(w.scaleBits(r, b));
                    for (int j = 0; j < 32; j++) {
                        int c = b * 32 + j;
                        double x = v[r * cols + c];
                        int q = w.quant(r, c);
                        double t = x / d;
                        double slack = 8 * Math.abs(d - d16) + 4 * Math.ulp((float) x);
                        if (x == m) {
                            assertEquals(0, q, "the extreme maps to level −8 at (" + r + ", " + c + ")");
                        }
                        if (t >= 7.5) {
                            assertEquals(15, q, "clamped at (" + r + ", " + c + ")");
                            assertTrue(Math.abs(x - (q - 8) * d) <= Math.abs(d) * (1 + 1e-5));
                            assertTrue(Math.abs(x - w.get(r, c)) <= Math.abs(d) + slack);
                            clamped++;
                        } else {
                            assertTrue(Math.abs(x - (q - 8) * d) <= Math.abs(d) / 2 * (1 + 1e-5), "step error at (" + r + ", " + c + ")");
                            assertTrue(Math.abs(x - w.get(r, c)) <= Math.abs(d) / 2 + slack, "round trip at (" + r + ", " + c + ")");
                        }
                    }
                }
            }
        }
        assertTrue(clamped >= rows / 3, "the test data must exercise the clamp, saw " + clamped);
    }

    @Test
    void nonFiniteWeightsAreRejectedNamingTheTensor() {
        float[] v = new float[2 * 40];
        v[45] = Float.NaN;
        float[] inf = new float[2 * 40];
        inf[3] = Float.NEGATIVE_INFINITY;
        try (Arena arena = Arena.ofShared()) {
            for (WeightFormat f : new WeightFormat[] {WeightFormat.Q8_0, WeightFormat.Q4_0}) {
                for (float[] data : new float[][] {v, inf}) {
                    Tensor t = Matrices.tensor(arena, "bad.weight", DType.F32, 2, 40, data);
                    VisionPanguException e = assertThrows(VisionPanguException.class, () -> WeightMatrix.of(t, f, arena, POOL));
                    assertTrue(e.getMessage().contains("bad.weight"), e.getMessage());
                }
            }
        }
    }

    @Test
    void scaleOverflowingF16IsRejected() {
        float[] v = new float[32];
        v[0] = 1e7f; // d = 1e7/127 > 65504
        try (Arena arena = Arena.ofShared()) {
            Tensor t = Matrices.tensor(arena, "huge", DType.F32, 1, 32, v);
            assertThrows(VisionPanguException.class, () -> WeightMatrix.of(t, WeightFormat.Q8_0, arena, POOL));
        }
    }
}
