/**
 * The engine's errors, part of its public API: {@link org.visionpangu4j.core.VisionPanguException} and its
 * subclasses, each naming the input and the problem. The sub-packages (tensors, safetensors, config reading, the
 * worker pool) are internal to the engine's modules.
 */
package org.visionpangu4j.core;
