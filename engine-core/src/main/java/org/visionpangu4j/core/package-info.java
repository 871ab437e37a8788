/** Tensors and memory (dtypes, views over MemorySegment), safetensors, config parsing, the worker pool, errors. */
package org.visionpangu4j.core;
