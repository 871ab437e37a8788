/**
 * InternVL's dynamic high-resolution preprocessing: CPython-ordered tile-grid choice, Pillow-exact BICUBIC resize,
 * row-major tiles plus thumbnail, ImageNet normalisation to float32 {@link org.visionpangu4j.vision.preprocess.PixelValues}.
 */
package org.visionpangu4j.vision.preprocess;
