package org.visionpangu4j;

/** The element type of a request's KV cache ({@link EngineOptions.Builder#kvCache}). */
public enum KvCacheType {
    /** 32-bit floats: exact. */
    F32(org.visionpangu4j.kernels.KvCache.Type.F32),
    /** int8 with one scale per position and head: a quarter of F32's memory. */
    INT8(org.visionpangu4j.kernels.KvCache.Type.INT8);

    private final org.visionpangu4j.kernels.KvCache.Type kernel;

    KvCacheType(org.visionpangu4j.kernels.KvCache.Type kernel) {
        this.kernel = kernel;
    }

    org.visionpangu4j.kernels.KvCache.Type kernel() {
        return kernel;
    }
}
