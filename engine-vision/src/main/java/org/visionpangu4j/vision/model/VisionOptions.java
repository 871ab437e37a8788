package org.visionpangu4j.vision.model;

import org.visionpangu4j.kernels.WeightFormat;

/**
 * How the vision weights are held. {@code null} means "as stored" (BF16/F16/F32, a zero-copy view of the mapped
 * file); another format quantizes at load into the checkpoint's arena (e.g. Q8_0). The patch embedding always stays
 * as stored (its 3·14·14 = 588 inputs do not fill 32-wide quant blocks).
 *
 * @param encoder   the ViT linears: qkv, proj, fc1, fc2
 * @param projector the {@code mlp1} linears
 */
public record VisionOptions(WeightFormat encoder, WeightFormat projector) {

    public static VisionOptions asStored() {
        return new VisionOptions(null, null);
    }

    /** Every vision linear in {@code format}. */
    public static VisionOptions all(WeightFormat format) {
        return new VisionOptions(format, format);
    }
}
