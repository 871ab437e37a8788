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
import java.nio.ByteOrder;

/**
 * Vector loads that widen stored weights (bf16, f16, int8, 4-bit) to {@link Simd#F} float lanes. All species
 * here derive from {@link Simd#F}: L float lanes come from L shorts (half the bits) or L bytes (a quarter).
 * There is no 32-bit byte vector, so at 128 bits byte loads take 8 lanes and widen in two parts.
 * Every function is exact: it gives the same floats as the scalar spec in {@code org.visionpangu4j.core.tensor.Numerics}.
 */
final class Widen {
    static final VectorSpecies<Float> F = Simd.F;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(F.vectorShape()).check(int.class);
    static final VectorSpecies<Short> S = ShortVector.SPECIES_64.withShape(VectorShape.forBitSize(L * 16)).check(short.class);
    /** Bytes per load: L lanes when that is at least 64 bits, else 8. */
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64.withShape(VectorShape.forBitSize(Math.max(64, L * 8))).check(byte.class);
    /** How many float vectors one byte load widens to (1, or 2 at 128 bits). */
    static final int PARTS = B.length() / L;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Widen() {
    }

    /** L bf16 values at byte offset {@code off}: the bf16 bits are the top half of the float. */
    static FloatVector bf16(MemorySegment m, long off) {
        ShortVector h = ShortVector.fromMemorySegment(S, m, off, LE);
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

    /** Signed bytes of a {@link #B} load, part {@code part} (L of them), as floats. */
    static FloatVector int8(ByteVector b, int part) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, F, part);
    }

    /** Bytes of a {@link #B} load, part {@code part}, widened to int lanes (sign-extended). */
    static IntVector int8ToInt(ByteVector b, int part) {
        return (IntVector) b.convertShape(VectorOperators.B2I, I, part);
    }

    static ByteVector bytes(MemorySegment m, long off) {
        return ByteVector.fromMemorySegment(B, m, off, LE);
    }
}
