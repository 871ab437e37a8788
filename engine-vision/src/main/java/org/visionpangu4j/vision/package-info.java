/**
 * The vision side of VisionPangu: image decoding to RGB ({@code image}), InternVL dynamic tiling and Pillow-exact
 * preprocessing ({@code preprocess}), and the InternViT encoder with pixel shuffle and the {@code mlp1} projector
 * ({@code model}). Model code calls engine-kernels for all arithmetic on weights; it never uses SIMD itself.
 */
package org.visionpangu4j.vision;
