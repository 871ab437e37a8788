/** Element types (DType), typed read-only views over memory segments (Tensor), and the scalar format conversions (Numerics). */
package org.visionpangu4j.core.tensor;
