package org.visionpangu4j.core.tensor;

/** Scalar conversions between storage formats and float. These are the executable spec; kernels vectorise them. */
public final class Numerics {
    private Numerics() {
    }

    /** bfloat16 bits → float: the bf16 is the top half of the float's bits, so this is exact. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float → bfloat16 bits, round to nearest even (NaN stays NaN). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** IEEE half bits → float (exact). */
    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** float → IEEE half bits, round to nearest even. */
    public static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }
}
