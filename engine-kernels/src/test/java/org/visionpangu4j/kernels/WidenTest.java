package org.visionpangu4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.tensor.Numerics;

/** The widening loads against the scalar conversions, for every bit pattern they accept, at the build's width. */
class WidenTest {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Every half that is not Inf/NaN, converted in vectors of L, equals Float.float16ToFloat bit for bit. */
    @Test
    void finiteHalvesConvertExactly() {
        short[] h = new short[65536 + Widen.L];
        int n = 0;
        for (int bits = 0; bits < 65536; bits++) {
            if ((bits & 0x7C00) != 0x7C00) {
                h[n++] = (short) bits;
            }
        }
        float[] out = new float[n + Widen.L];
        for (int i = 0; i < n; i += Widen.L) {
            Widen.f16Finite(h, i).intoArray(out, i);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(Float.float16ToFloat(h[i])), Float.floatToRawIntBits(out[i]),
                    "half 0x" + Integer.toHexString(h[i] & 0xFFFF));
        }
    }

    /** f16Row converts a run of halves read from a segment at any offset. */
    @Test
    void f16RowReadsTheRun() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 37;
            MemorySegment m = arena.allocate(2L * (n + 5), 2);
            for (int i = 0; i < n + 5; i++) {
                m.setAtIndex(SHORT_LE, i, Float.floatToFloat16((i - 20) * 0.37f));
            }
            float[] out = new float[n + Widen.L];
            Widen.f16Row(m, 2L * 5, n, new short[n + Widen.L], out);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.float16ToFloat(m.getAtIndex(SHORT_LE, i + 5)), out[i], "scale " + i);
            }
        }
    }

    /** bf16 widening from a short array equals the scalar conversion for every pattern. */
    @Test
    void bf16FromArrayIsExact() {
        short[] h = new short[65536 + Widen.L];
        for (int bits = 0; bits < 65536; bits++) {
            h[bits] = (short) bits;
        }
        float[] out = new float[65536 + Widen.L];
        for (int i = 0; i < 65536; i += Widen.L) {
            Widen.bf16(h, i).intoArray(out, i);
        }
        for (int i = 0; i < 65536; i++) {
            assertEquals(Float.floatToRawIntBits(Numerics.bf16ToFloat(h[i])), Float.floatToRawIntBits(out[i]), "bf16 " + i);
        }
    }
}
