package org.visionpangu4j.vision.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PositionGridTest {
    @Test
    void sameSizeIsIdentity() {
        float[] in = new float[3 * 3 * 2];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) Math.sin(i);
        }
        assertArrayEquals(in, PositionGrid.resize(in, 3, 3, 3, 3, 2));
    }

    /**
     * torch.nn.functional.interpolate([[1, 2], [3, 4]], size=(4, 4), mode='bicubic', align_corners=False) — values
     * derived by hand from ATen's formula with a = −0.75 (e.g. corner: taps (0, 0, 0, 1) with weights
     * (−0.03515625, 0.26171875, 0.87890625, −0.10546875) per axis → 0.68359375). a = −0.5 would give 0.7890625.
     */
    @Test
    void upsample2x2To4x4MatchesTorchBicubic() {
        float[] out = PositionGrid.resize(new float[] {1, 2, 3, 4}, 2, 2, 4, 4, 1);
        float[] want = {
            0.68359375f, 1.015625f, 1.5625f, 1.89453125f,
            1.34765625f, 1.6796875f, 2.2265625f, 2.55859375f,
            2.44140625f, 2.7734375f, 3.3203125f, 3.65234375f,
            3.10546875f, 3.4375f, 3.984375f, 4.31640625f};
        assertArrayEquals(want, out, 1e-6f);
    }

    @Test
    void carriesEveryChannelIndependently() {
        // Two channels: the second is the first times −3; interpolation is linear, so that must hold on output.
        float[] in = new float[4 * 4 * 2];
        for (int i = 0; i < 16; i++) {
            in[2 * i] = (float) Math.cos(i * 0.7);
            in[2 * i + 1] = -3 * in[2 * i];
        }
        float[] out = PositionGrid.resize(in, 4, 4, 6, 6, 2);
        for (int i = 0; i < 36; i++) {
            assertEquals(-3 * out[2 * i], out[2 * i + 1], 1e-5);
        }
    }
}
