package org.visionpangu4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Constants and scalar forms of the transcendental functions the kernels evaluate on vectors (exp, 2^x, erf),
 * built only from add/mul/fma/min/max/bit operations so the vector forms are intrinsified at every width on every
 * platform. (The Vector API has no erf, and its lanewise EXP falls back to a slow per-lane loop where no
 * SVML/SLEEF library is present.)
 *
 * <p>The vector forms are written out inside the kernels' loops ({@link VectorMath#expShiftSum},
 * {@link Activations}, {@link Attention}) rather than called as helpers: a method that takes or returns a vector is
 * boxed whenever the JIT does not inline it (a cold call site, or a callee "already compiled into a big method"),
 * turning every call into allocations. The scalar forms here perform the same operations in the same order, so a
 * kernel's scalar tail gives bit-for-bit the results its vector loop would; tests hold them to that.
 *
 * <p>Polynomial coefficients were fitted offline (Chebyshev least squares against a 40-digit reference; the
 * script is {@code engine-kernels/tools/fit_simd_math.py}).
 */
final class SimdMath {
    static final VectorSpecies<Float> F = Simd.F;

    /**
     * erf runs in double lanes. Where the platform has double vectors twice the chosen width, floats are widened
     * from a whole {@link #F} vector; otherwise from half of one (e.g. NEON: 2 floats into one 128-bit double
     * vector). {@code ERF_F} and {@code ERF_D} have the same lane count.
     */
    private static final boolean WIDE_DOUBLES = DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 2 * Simd.bits();
    static final VectorSpecies<Float> ERF_F =
            WIDE_DOUBLES ? F : VectorSpecies.of(float.class, VectorShape.forBitSize(Simd.bits() / 2));
    static final VectorSpecies<Double> ERF_D = VectorSpecies.of(double.class,
            VectorShape.forBitSize(WIDE_DOUBLES ? 2 * Simd.bits() : Simd.bits()));

    private SimdMath() {
    }

    // ---- fixed-order lane sum ---------------------------------------------------------------------------------

    // Butterfly shuffles i → i ^ k; static finals so the JIT sees constant shuffles (a shuffle read from an array
    // is not intrinsified, and every vector around it gets boxed).
    private static final VectorShuffle<Float> XOR32 = butterfly(32);
    private static final VectorShuffle<Float> XOR16 = butterfly(16);
    private static final VectorShuffle<Float> XOR8 = butterfly(8);
    private static final VectorShuffle<Float> XOR4 = butterfly(4);
    private static final VectorShuffle<Float> XOR2 = butterfly(2);
    private static final VectorShuffle<Float> XOR1 = butterfly(1);

    private static VectorShuffle<Float> butterfly(int k) {
        return k < F.length() ? VectorShuffle.fromOp(F, i -> i ^ k) : null;
    }

    /**
     * Σ lanes in a fixed pairwise order (up to 64 lanes). {@code reduceLanes(ADD)} leaves the order to the
     * implementation, and the interpreter and the JIT-compiled code do differ: results would change with warm-up
     * and thread count. Small enough that the JIT inlines it where it is used once per kernel call.
     */
    static float sum(FloatVector v) {
        int lanes = F.length(); // a constant: the untaken stages fold away (wider than 16 lanes: SVE only)
        if (lanes > 32) {
            v = v.add(v.rearrange(XOR32));
        }
        if (lanes > 16) {
            v = v.add(v.rearrange(XOR16));
        }
        if (lanes > 8) {
            v = v.add(v.rearrange(XOR8));
        }
        if (lanes > 4) {
            v = v.add(v.rearrange(XOR4));
        }
        if (lanes > 2) {
            v = v.add(v.rearrange(XOR2));
        }
        return v.add(v.rearrange(XOR1)).lane(0);
    }

    /** {@link #sum(FloatVector)} of the vector at a[off], for callers where no vector should cross a call. */
    static float sum(float[] a, int off) {
        return sum(FloatVector.fromArray(F, a, off));
    }

    // ---- e^x in float ------------------------------------------------------------------------------------------
    // e^x = 2^k · e^r with k = round(x·log2 e), r = x − k·ln 2 (|r| ≤ ln2/2), e^r by a degree-6 fit (relative
    // error 9.5e-8 in float arithmetic); 2^k applied as 2^k1 · 2^k2, k1 = ⌊k/2⌋, so that subnormal results and
    // k = 128 (just below overflow) stay exact. Inputs are clamped to [−105, 89]: below, the result rounds to 0;
    // above, it overflows to +Inf. Relative error ≤ 2 ulp for normal results; NaN stays NaN.

    static final float LOG2E = 1.44269504088896341f;
    // ln 2 split so that k·LN2_HI is exact for |k| ≤ 2^15 (LN2_HI has 9 significant bits).
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    // Adding 1.5·2^23 rounds a float of magnitude < 2^22 to an integer, which then sits in the low mantissa bits.
    static final float ROUND_MAGIC = 12582912f;
    static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    static final float EXP_LO = -105f;
    static final float EXP_HI = 89f;
    static final float E2 = 0.49999991059303284f;
    static final float E3 = 0.16666419804096222f;
    static final float E4 = 0.0416683629155159f;
    static final float E5 = 0.008374813012778759f;
    static final float E6 = 0.0013829361414536834f;

    /** e^x, the same operations as the kernels' vector loops. */
    static float exp(float x) {
        float xc = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float kPlusMagic = Math.fma(xc, LOG2E, ROUND_MAGIC);
        float kf = kPlusMagic - ROUND_MAGIC;
        int k = Float.floatToRawIntBits(kPlusMagic) - ROUND_MAGIC_BITS;
        float r = Math.fma(kf, -LN2_HI, xc);
        r = Math.fma(kf, -LN2_LO, r);
        float p = Math.fma(r, E6, E5);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int k1 = k >> 1;
        int k2 = k - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    // ---- 2^x for x ≤ 0 in float (softmax weights in attention, which folds log2 e into the query scale) -------
    // 2^x = 2^k · 2^r with k = round(x), |r| ≤ 1/2, 2^r by a degree-6 fit (relative error 9.7e-8); x is clamped
    // at −127, where (k + 127) << 23 = 0 makes the result 0: results below 2^−126 are flushed to 0, an absolute
    // error under 1.2e-38 that no softmax weight notices. About half the work of e^x. −Inf → 0, NaN → NaN.

    static final float EXP2_LO = -127f;
    static final float P1 = 0.6931471824645996f;
    static final float P2 = 0.24022646248340607f;
    static final float P3 = 0.05550329014658928f;
    static final float P4 = 0.009618520736694336f;
    static final float P5 = 0.00133999262470752f;
    static final float P6 = 0.00015337510558310896f;

    // ---- erf(x) in double, accurate to 1e-9 (a float result is then within ½ ulp + 1e-9 of erf) -------------
    // With a = |x|:  a < 2.5: erf = a·P(a²);  2.5 ≤ a < 4: erf = 1 − erfc(a), erfc by a polynomial;  a ≥ 4: 1
    // (erfc(4) = 1.5e-8 < 2^-25, so 1 − erfc rounds to 1 in float anyway, and an exact 1 keeps 1 + erf(x) exactly 0
    // for GELU's large negative inputs). The branches are joined without masks (double lanes at 128 bits have no
    // blend on some x86 JITs): both are evaluated on clamped arguments, the tail's erfc is faded to exactly 0 over
    // [4 − 2^−40, 4] and the branches are mixed by a weight that steps from 0 to 1 over [2.5, 2.5 + 2^−40] (both
    // approximations are accurate there). The sign of x is put back last, so erf(−0) = −0 and NaN stays NaN.

    static final double ERF_SPLIT = 2.5;
    static final double ERF_ONE = 4.0;
    static final double ERF_STEP = 0x1p40;
    static final double INV_SQRT2 = 0.7071067811865476;
    /** P(u) = erf(√u)/√u on u ∈ [0, 6.25], as a polynomial in t = u/3.125 − 1; error &lt; 4e-10. */
    static final double[] ERF_SMALL = {
        0.5586599906408534, -0.2545412313360659, 0.15217348550690402, -0.08646505359019681, 0.04413633813366155,
        -0.020021508704603452, 0.008092939705688756, -0.0029372848346568797, 0.0009625494438114497,
        -0.00028248799456637017, 7.746165594248267e-05, -2.3407201607524682e-05, 5.4280280832434515e-06};
    /** erfc(a) on a ∈ [2.5, 4], as a polynomial in t = (a − 3.25)/0.75; error &lt; 4e-10. */
    static final double[] ERFC_TAIL = {
        4.302714654059211e-06, -2.189011062481051e-05, 5.336379297508445e-05, -8.264013295657761e-05,
        9.065911499686862e-05, -7.428345747651055e-05, 4.690368084982646e-05, -2.3098709847955482e-05,
        8.254535907069034e-06, -1.556045061268944e-06};

    /** erf(x), the same operations as the vector loop in {@link Activations}. */
    static double erf(double x) {
        double a = Math.abs(x);
        double s = Math.min(a, ERF_SPLIT);
        double small = s * horner(ERF_SMALL, Math.fma(s * s, 1.0 / 3.125, -1.0));
        double ac = Math.min(Math.max(a, ERF_SPLIT), ERF_ONE);
        double q = horner(ERFC_TAIL, (ac - 3.25) * (1.0 / 0.75));
        double fade = Math.min((-ac + ERF_ONE) * ERF_STEP, 1.0);
        double tail = -(q * fade) + 1.0;
        double w = Math.min(Math.max((a - ERF_SPLIT) * ERF_STEP, 0.0), 1.0);
        double e = Math.fma(w, tail - small, small);
        return Double.longBitsToDouble(Double.doubleToRawLongBits(e) | (Double.doubleToRawLongBits(x) & Long.MIN_VALUE));
    }

    /** GELU(x) = 0.5·x·(1 + erf(x/√2)) in double, the same operations as the vector loop. */
    static float gelu(float x) {
        double v = x;
        return (float) ((erf(v * INV_SQRT2) + 1.0) * v * 0.5);
    }

    private static double horner(double[] c, double t) {
        double p = c[c.length - 1];
        for (int i = c.length - 2; i >= 0; i--) {
            p = Math.fma(p, t, c[i]);
        }
        return p;
    }
}
