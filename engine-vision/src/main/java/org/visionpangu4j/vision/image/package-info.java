/**
 * Image files and in-memory images → 8-bit {@link org.visionpangu4j.vision.image.RgbImage} exactly as Pillow's
 * {@code Image.open(...).convert('RGB')} would give them, with header-first size checks (pixel budget, zero size)
 * and clear {@link org.visionpangu4j.vision.image.ImageInputException}s for unreadable input.
 */
package org.visionpangu4j.vision.image;
