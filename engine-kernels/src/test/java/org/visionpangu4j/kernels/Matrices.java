package org.visionpangu4j.kernels;

import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Test helpers: random matrices in any format, and naive double-precision references built from {@code get}. */
final class Matrices {
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Unit roundoff of float. */
    static final double U = 0x1p-24;

    private Matrices() {
    }

    static float[] gaussian(Random rnd, int n, float sigma) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return a;
    }

    /** A rows × cols tensor of {@code dtype} holding {@code v} (rounded to nearest even for BF16/F16). */
    static Tensor tensor(Arena arena, String name, DType dtype, int rows, int cols, float[] v) {
        MemorySegment seg = arena.allocate((long) rows * cols * dtype.byteSize(), 8);
        for (int i = 0; i < rows * cols; i++) {
            switch (dtype) {
                case F32 -> seg.setAtIndex(FLOAT_LE, i, v[i]);
                case BF16 -> seg.setAtIndex(SHORT_LE, i, Numerics.floatToBf16(v[i]));
                case F16 -> seg.setAtIndex(SHORT_LE, i, Numerics.floatToF16(v[i]));
                default -> throw new IllegalArgumentException(dtype.toString());
            }
        }
        return new Tensor(name, dtype, new long[] {rows, cols}, seg);
    }

    /** A random rows × cols matrix in {@code format}; quantized formats are quantized from F32. */
    static WeightMatrix random(Arena arena, WorkerPool pool, WeightFormat format, int rows, int cols, long seed) {
        float[] v = gaussian(new Random(seed), rows * cols, 0.5f);
        DType stored = switch (format) {
            case BF16 -> DType.BF16;
            case F16 -> DType.F16;
            default -> DType.F32;
        };
        Tensor t = tensor(arena, format + "-" + rows + "x" + cols, stored, rows, cols, v);
        return WeightMatrix.of(t, format, arena, pool);
    }

    /** W as doubles via {@code get}, so references over many activation rows read the spec once. */
    static double[][] dense(WeightMatrix w) {
        double[][] a = new double[w.rows()][w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            for (int c = 0; c < w.cols(); c++) {
                a[r][c] = w.get(r, c);
            }
        }
        return a;
    }

    /** Σ_c get(r, c)·x[xOff + c] in double. */
    static double dot(WeightMatrix w, int r, float[] x, int xOff) {
        double s = 0;
        for (int c = 0; c < w.cols(); c++) {
            s += (double) w.get(r, c) * x[xOff + c];
        }
        return s;
    }

    /** Σ_c |get(r, c)·x[xOff + c]|: the scale of the rounding error of any float summation order. */
    static double absDot(WeightMatrix w, int r, float[] x, int xOff) {
        double s = 0;
        for (int c = 0; c < w.cols(); c++) {
            s += Math.abs((double) w.get(r, c) * x[xOff + c]);
        }
        return s;
    }

    /**
     * Σ_c of the magnitudes the GEMV kernel of {@code w} adds for row r: {@link #absDot} for every format but Q4_0,
     * whose kernel sums q·x and −8·x (q the unsigned nibble, W = (q − 8)·d) as separate terms scaled by d:
     * Σ (q + 8)·|d·x|.
     */
    static double absTerms(WeightMatrix w, int r, float[] x, int xOff) {
        if (!(w instanceof Q4_0Matrix q4)) {
            return absDot(w, r, x, xOff);
        }
        double s = 0;
        for (int c = 0; c < w.cols(); c++) {
            double d = Float.float16ToFloat(q4.scaleBits(r, c / Q4_0Matrix.QK));
            s += (q4.quant(r, c) + 8) * Math.abs(d * x[xOff + c]);
        }
        return s;
    }

    /** How many terms that kernel sums per output of n inputs: n, or 2n for Q4_0 (q·x and −8·x). */
    static int termCount(WeightMatrix w) {
        return w instanceof Q4_0Matrix ? 2 * w.cols() : w.cols();
    }

    /**
     * The error bound we allow a float kernel computing Σ_c W[r,c]·x[c] (+ b + y₀), against the exact double sum:
     * any summation order of n products and two more additions errs by at most γ_{n+2}·Σ|terms| (γ_k = k·u/(1−k·u)
     * ≈ k·u, u = 2⁻²⁴; Higham, Accuracy and Stability, §3.1); a quantized kernel also rounds d·(q·x) differently from
     * (q·d)·x, one more u per term, hence (n + 4)·u. A missing or doubled term errs by ~Σ|terms|/n, far above this
     * for the sizes tested, so the bound still catches indexing bugs.
     */
    static double bound(int n, double absTerms) {
        return (n + 4) * U * absTerms + Float.MIN_NORMAL;
    }
}
