/**
 * InternViT (patch embedding, CLS, position embedding, pre-norm blocks with layer scale), pixel shuffle v1/v2 and
 * the {@code mlp1} projector, all tiles of an image batched through the engine-kernels GEMMs.
 */
package org.visionpangu4j.vision.model;
