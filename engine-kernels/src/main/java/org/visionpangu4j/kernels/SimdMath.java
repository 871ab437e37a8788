package org.visionpangu4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions on vectors, built only from add/mul/fma/min/max/compare/bit operations so they are
 * intrinsified at every width on every platform. (The Vector API has no erf, and its lanewise EXP falls back to a
 * slow per-lane loop where no SVML/SLEEF library is present, e.g. on many NEON machines.)
 *
 * <p>Polynomial coefficients were fitted offline (Chebyshev least squares against a 40-digit reference; the
 * script is {@code engine-kernels/tools/fit_simd_math.py}).
 */
final class SimdMath {
    static final VectorSpecies<Float> F = Simd.F;
    /** Doubles at the chosen width: half as many lanes as {@link #F}. */
    static final VectorSpecies<Double> D = VectorSpecies.of(double.class, Simd.shape());
    /** Floats in half the chosen width: as many lanes as {@link #D}, for float↔double conversion. */
    static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(Simd.bits() / 2));

    // Butterfly shuffles i → i ^ k for the fixed-order lane sum; static finals so the JIT sees constant shuffles
    // (a shuffle read from an array is not intrinsified, and every vector around it gets boxed).
    private static final VectorShuffle<Float> XOR32 = butterfly(32);
    private static final VectorShuffle<Float> XOR16 = butterfly(16);
    private static final VectorShuffle<Float> XOR8 = butterfly(8);
    private static final VectorShuffle<Float> XOR4 = butterfly(4);
    private static final VectorShuffle<Float> XOR2 = butterfly(2);
    private static final VectorShuffle<Float> XOR1 = butterfly(1);

    private SimdMath() {
    }

    private static VectorShuffle<Float> butterfly(int k) {
        return k < F.length() ? VectorShuffle.fromOp(F, i -> i ^ k) : null;
    }

    /**
     * Σ lanes in a fixed pairwise order (up to 64 lanes). {@code reduceLanes(ADD)} leaves the order to the implementation, and the
     * interpreter and the JIT-compiled code do differ: results would change with warm-up and thread count.
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

    // ---- exp(x) in float -------------------------------------------------------------------------------------

    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split so that k·LN2_HI is exact for |k| ≤ 2^15 (LN2_HI has 9 significant bits).
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // Adding 1.5·2^23 rounds a float of magnitude < 2^22 to an integer, which then sits in the low mantissa bits.
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    // Below −105 the result rounds to 0; above 89 it overflows to +Inf. Clamping keeps k within [−152, 129].
    private static final float EXP_LO = -105f;
    private static final float EXP_HI = 89f;
    // e^r ≈ Σ c_i r^i on |r| ≤ ln2/2, relative error 9.5e-8 in float arithmetic.
    private static final float E2 = 0.49999991059303284f;
    private static final float E3 = 0.16666419804096222f;
    private static final float E4 = 0.0416683629155159f;
    private static final float E5 = 0.008374813012778759f;
    private static final float E6 = 0.0013829361414536834f;

    /**
     * e^x per lane, relative error ≤ 2 ulp for normal results; 0 for x ≤ −105 (and −Inf), +Inf above
     * ln(Float.MAX_VALUE), NaN for NaN.
     */
    static FloatVector exp(FloatVector x) {
        // e^x = 2^k · e^r with k = round(x·log2 e) and r = x − k·ln 2, |r| ≤ ln2/2.
        FloatVector xc = x.max(EXP_LO).min(EXP_HI); // Math.max/min semantics: NaN stays NaN
        FloatVector kPlusMagic = xc.fma(LOG2E, ROUND_MAGIC);
        FloatVector kf = kPlusMagic.sub(ROUND_MAGIC);
        IntVector k = kPlusMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector r = kf.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = kf.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(E6, E5);
        p = p.fma(r, FloatVector.broadcast(F, E4));
        p = p.fma(r, FloatVector.broadcast(F, E3));
        p = p.fma(r, FloatVector.broadcast(F, E2));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        // 2^k as two normal powers of two, 2^k1 · 2^k2 with k1 = ⌊k/2⌋: k alone may leave the normal exponent range
        // (subnormal results, and k = 128 just below overflow).
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    // ---- 2^x for x ≤ 0 in float (softmax weights: attention folds log2 e into the query scale) -------------

    // 2^r ≈ Σ c_i r^i on |r| ≤ 1/2, relative error 9.7e-8 in float arithmetic.
    private static final float P1 = 0.6931471824645996f;
    private static final float P2 = 0.24022646248340607f;
    private static final float P3 = 0.05550329014658928f;
    private static final float P4 = 0.009618520736694336f;
    private static final float P5 = 0.00133999262470752f;
    private static final float P6 = 0.00015337510558310896f;

    /**
     * 2^x per lane for x ≤ 0 (NaN → NaN, −Inf → 0), relative error ≤ 2 ulp down to 2^−126; below that the result
     * is flushed to 0 (an absolute error under 1.2e-38, irrelevant for weights that sum to ≥ 1). About half the
     * work of {@link #exp}: no ln 2 reduction, and one power-of-two scale instead of two.
     */
    static FloatVector exp2NonPositive(FloatVector x) {
        FloatVector xc = x.max(-127f); // NaN stays NaN
        FloatVector kPlusMagic = xc.add(ROUND_MAGIC);
        FloatVector r = xc.sub(kPlusMagic.sub(ROUND_MAGIC)); // r = x − round(x), |r| ≤ 1/2
        FloatVector p = r.fma(P6, P5);
        p = p.fma(r, FloatVector.broadcast(F, P4));
        p = p.fma(r, FloatVector.broadcast(F, P3));
        p = p.fma(r, FloatVector.broadcast(F, P2));
        p = p.fma(r, FloatVector.broadcast(F, P1));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        // 2^k as float bits: (k + 127) << 23 with k = bits(kPlusMagic) − bits(MAGIC) ∈ [−127, 0]; k = −127 gives 0.
        FloatVector scale = kPlusMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    // ---- erf(x) in double lanes, accurate to ~1e-9 (so a float result is within ½ ulp + 1e-9 of erf) --------

    /** |x| below which erf(x) = x·P(x²); above it erf = ±(1 − erfc(|x|)). */
    static final double ERF_SPLIT = 2.5;
    /**
     * From 4 on, erf is ±1 exactly: erfc(4) = 1.5e-8 &lt; 2^-25, so 1 − erfc rounds to 1 in float anyway, and an
     * exact ±1 makes 1 + erf(x) exactly 0 for GELU's large negative inputs instead of a residue that |x| amplifies.
     */
    static final double ERF_ONE = 4.0;
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

    /** erf per lane (NaN → NaN, ±Inf → ±1, −0 → −0). */
    static DoubleVector erf(DoubleVector x) {
        DoubleVector a = x.abs();
        DoubleVector t1 = x.mul(x).fma(1.0 / 3.125, -1.0);
        DoubleVector small = x.mul(horner(ERF_SMALL, t1));
        DoubleVector ac = a.min(ERF_ONE); // NaN stays NaN and ends in the tail branch
        DoubleVector t2 = ac.sub(3.25).mul(1.0 / 0.75);
        DoubleVector tail = horner(ERFC_TAIL, t2).neg().add(1.0);
        tail = tail.blend(1.0, a.compare(VectorOperators.GE, ERF_ONE));
        tail = tail.blend(tail.neg(), x.compare(VectorOperators.LT, 0.0));
        return tail.blend(small, a.compare(VectorOperators.LT, ERF_SPLIT));
    }

    private static DoubleVector horner(double[] c, DoubleVector t) {
        DoubleVector p = DoubleVector.broadcast(D, c[c.length - 1]);
        for (int i = c.length - 2; i >= 0; i--) {
            p = p.fma(t, DoubleVector.broadcast(D, c[i]));
        }
        return p;
    }

    /** The same erf as {@link #erf(DoubleVector)}, one value at a time. */
    static double erf(double x) {
        double a = Math.abs(x);
        if (a < ERF_SPLIT) {
            return x * horner(ERF_SMALL, Math.fma(x * x, 1.0 / 3.125, -1.0));
        }
        double e = a >= ERF_ONE ? 1.0 : 1.0 - horner(ERFC_TAIL, (Math.min(a, ERF_ONE) - 3.25) * (1.0 / 0.75));
        return x < 0 ? -e : e; // NaN: Math.min keeps it, so e is NaN
    }

    private static double horner(double[] c, double t) {
        double p = c[c.length - 1];
        for (int i = c.length - 2; i >= 0; i--) {
            p = Math.fma(p, t, c[i]);
        }
        return p;
    }
}
