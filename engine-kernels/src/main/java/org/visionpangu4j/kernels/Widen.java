package org.visionpangu4j.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector loads that widen stored weights (bf16, f16, int8, 4-bit) to {@link Simd#F} float lanes. All species
 * here derive from {@link Simd#F}: L float lanes come from L shorts (half the bits) or L bytes (a quarter).
 * There is no 32-bit byte vector, so at 128 bits a byte load reads 8 bytes and only the low 4 are widened
 * (quantized matrices pad their quant region by {@link #PAD} bytes so such a load never leaves it).
 * Every widening uses part 0 of the conversion only: C2 intrinsifies those reliably, and one load per L lanes keeps
 * the kernels small enough for C2 to inline completely (a kernel that is not fully inlined boxes every vector).
 * Every function is exact: it gives the same floats as the scalar spec in {@code org.visionpangu4j.core.tensor.Numerics}.
 */
final class Widen {
    static final VectorSpecies<Float> F = Simd.F;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(F.vectorShape()).check(int.class);
    static final VectorSpecies<Short> S = ShortVector.SPECIES_64.withShape(VectorShape.forBitSize(L * 16)).check(short.class);
    /** Bytes per load: L lanes when that is at least 64 bits, else 8 (of which L are used). */
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64.withShape(VectorShape.forBitSize(Math.max(64, L * 8))).check(byte.class);
    /** Bytes a quant or scale region is padded by, so a load of the last L quants or scales stays inside it. */
    static final int PAD = 64;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private Widen() {
    }

    /** L bf16 values at byte offset {@code off}: the bf16 bits are the top half of the float. */
    static FloatVector bf16(MemorySegment m, long off) {
        return bf16(ShortVector.fromMemorySegment(S, m, off, LE));
    }

    /** L bf16 values from a[off ..) (bits as shorts). */
    static FloatVector bf16(short[] a, int off) {
        return bf16(ShortVector.fromArray(S, a, off));
    }

    // bf16 bits in short lanes → floats (a tiny static helper: C2 inlines it, so the vector is never boxed).
    private static FloatVector bf16(ShortVector h) {
        return ((IntVector) h.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * L IEEE halves at byte offset {@code off}. Shifting the magnitude bits into a float's exponent/mantissa and
     * multiplying by 2^112 rebiases the exponent (15 → 127) exactly, subnormal halves included; Inf/NaN keep an
     * all-ones exponent; the sign is or-ed back last.
     */
    static FloatVector f16(MemorySegment m, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, m, off, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector mag = h.and(0x7FFF);
        IntVector shifted = mag.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = mag.compare(VectorOperators.GE, 0x7C00);
        IntVector bits = finite.blend(shifted.or(0x7F800000), special);
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /**
     * Finite halves at byte offset {@code off}, n of them, → out[0 ..) (rounded up to a multiple of L; the values
     * past n are garbage): the scales of a few quantized rows converted once per GEMV pass, so the inner loop
     * broadcasts them straight from memory. Copied to {@code h} (at least n + L shorts) first, so the loads need no
     * segment checks. Callers fetch h and out once per call, not per pass: a thread-local lookup per pass cost 2% of
     * Q4_0 decode.
     */
    static void f16Row(MemorySegment m, long off, int n, short[] h, float[] out) {
        MemorySegment.copy(m, SHORT_LE, off, h, 0, n);
        for (int i = 0; i < n; i += L) {
            f16Finite(h, i).intoArray(out, i);
        }
    }

    /**
     * L finite IEEE halves from a[off ..) (the quantizers' scales: never Inf or NaN). The sign-extended half
     * shifted left 13 has the sign in bit 31 and the magnitude in bits 27..13; masking the rest leaves a float
     * whose exponent is the half's, unbiased by 127 instead of 15, which the multiply by 2^112 corrects exactly
     * (subnormal halves included). Four operations against the ten of {@link #f16}.
     */
    static FloatVector f16Finite(short[] a, int off) {
        IntVector h = (IntVector) ShortVector.fromArray(S, a, off).convertShape(VectorOperators.S2I, I, 0);
        return h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
    }

    /** A per-thread float buffer of at least n + L elements (pool threads are persistent: allocated once). */
    static float[] scratch(int n) {
        float[] b = SCRATCH.get();
        if (b.length < n + L) {
            b = new float[n + L];
            SCRATCH.set(b);
        }
        return b;
    }

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * A per-thread short buffer of at least n elements, for one bulk copy at a time (BF16 row decode, F16 scale rows):
     * callers must not hold it across a call that may use it too.
     */
    static short[] shortScratch(int n) {
        short[] b = SHORT_SCRATCH.get();
        if (b.length < n) {
            b = new short[n];
            SHORT_SCRATCH.set(b);
        }
        return b;
    }

    private static final ThreadLocal<short[]> SHORT_SCRATCH = ThreadLocal.withInitial(() -> new short[0]);

    /** C's roundf of each lane (nearest, halves away from zero), exactly: trunc, exact fraction, sign back. */
    static IntVector roundHalfAway(FloatVector v) {
        FloatVector a = v.abs();
        IntVector t = (IntVector) a.convert(VectorOperators.F2I, 0);
        FloatVector frac = a.sub((FloatVector) t.convert(VectorOperators.I2F, 0)); // exact: 0 ≤ a − t < 1
        IntVector r = t.add(1, frac.compare(VectorOperators.GE, 0.5f).cast(I));
        return r.lanewise(VectorOperators.NEG, v.compare(VectorOperators.LT, 0f).cast(I));
    }

    /** Stores the low byte of each int lane at b[off ..): writes {@link #B}.length() bytes (L, or 8 at 128 bits). */
    static void storeBytes(IntVector v, byte[] b, int off) {
        ((ByteVector) v.convertShape(VectorOperators.I2B, B, 0)).intoArray(b, off);
    }

    /** L signed bytes at byte offset {@code off}, as floats. */
    static FloatVector int8(MemorySegment m, long off) {
        return (FloatVector) ByteVector.fromMemorySegment(B, m, off, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    /** L unsigned bytes at byte offset {@code off}, as int lanes (zero-extended). */
    static IntVector uint8ToInt(MemorySegment m, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B, m, off, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** L signed bytes at byte offset {@code off}, as short lanes (integer path). */
    static ShortVector int8ToShort(MemorySegment m, long off) {
        return (ShortVector) ByteVector.fromMemorySegment(B, m, off, LE).convertShape(VectorOperators.B2S, S, 0);
    }
}
