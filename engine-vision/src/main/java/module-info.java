/**
 * Image decoding, InternVL tiling and preprocessing, the InternViT tower, pixel shuffle and the projector.
 * Internal to the engine. Decoders for JPEG, WebP and BMP beyond the JDK's come from TwelveMonkeys through
 * ImageIO's service lookup (no compile-time use).
 */
module org.visionpangu4j.vision {
    requires transitive org.visionpangu4j.kernels;
    requires transitive java.desktop;

    exports org.visionpangu4j.vision.image to org.visionpangu4j;
    exports org.visionpangu4j.vision.model to org.visionpangu4j;
    exports org.visionpangu4j.vision.preprocess to org.visionpangu4j;
}
