package org.visionpangu4j;

/**
 * How an {@link Engine} loads and runs a model. Immutable; start from {@link #defaults()} or {@link #builder()}.
 *
 * @param threads         worker threads for the kernels and for load-time work (default: available processors;
 *                        at most {@link #maxThreads()})
 * @param weights         decoder weight format: {@code null} = as stored (BF16/F16/F32), or Q8_0 / Q4_0 quantized
 *                        at load (LM head and embedding included)
 * @param visionWeights   vision tower and projector format: {@code null} = as stored, or Q8_0. The encoder is
 *                        compute-bound, so quantizing it saves memory, not time.
 * @param kvCache         KV cache element type per request (F32 default; INT8 quarters its memory)
 * @param maxContext      upper bound on prompt + generated tokens per request (also bounded by the model)
 * @param maxTiles        upper bound on image tiles per image (0 = the model's {@code max_dynamic_patch})
 * @param maxPixels       pixel budget: images whose header declares more pixels are refused before decoding
 * @param residency       how the weights are kept in memory
 * @param progress        receives progress messages (loading, encoding, generating); never null
 */
public record EngineOptions(int threads, WeightFormat weights, WeightFormat visionWeights, KvCacheType kvCache,
                            int maxContext, int maxTiles, long maxPixels, Residency residency,
                            ProgressListener progress) {

    /**
     * Where the weights used as stored live once loaded. Quantized weights ({@link #weights} Q8_0/Q4_0) always
     * live in off-heap memory of the engine, converted at load from temporary mappings of the file: under every
     * residency their stored (BF16) bytes leave the process's resident memory once converted.
     */
    public enum Residency {
        /** Memory-mapped; pages fault in on first use (fastest load). */
        MAPPED,
        /** Memory-mapped and read once at load so every page the model reads is resident before the first request. */
        PRELOAD,
        /** Copied into anonymous off-heap memory: never faults back from disk, for servers that must not stall. */
        ANONYMOUS
    }

    /** Default {@link #maxContext}. */
    public static final int DEFAULT_MAX_CONTEXT = 8192;
    /** Default {@link #maxPixels}. */
    public static final long DEFAULT_MAX_PIXELS = 180_000_000L;

    /** Validates every option; each failure names the option and the value. */
    public EngineOptions {
        if (threads < 1 || threads > maxThreads()) {
            throw new IllegalArgumentException("threads must be in [1, " + maxThreads() + "] (4 × the "
                    + Runtime.getRuntime().availableProcessors() + " available processors), got " + threads);
        }
        if (weights != null && !weights.quantized()) {
            throw new IllegalArgumentException("weights must be null (as stored), Q8_0 or Q4_0, got " + weights);
        }
        if (visionWeights != null && visionWeights != WeightFormat.Q8_0) {
            throw new IllegalArgumentException("visionWeights must be null (as stored) or Q8_0, got " + visionWeights);
        }
        if (maxContext < 16) {
            throw new IllegalArgumentException("maxContext must be ≥ 16, got " + maxContext);
        }
        if (maxTiles < 0) {
            throw new IllegalArgumentException("maxTiles must be ≥ 0, got " + maxTiles);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be ≥ 1, got " + maxPixels);
        }
        if (kvCache == null || residency == null || progress == null) {
            throw new IllegalArgumentException("kvCache, residency and progress must not be null");
        }
    }

    /**
     * The most worker threads an engine takes: 4 × the available processors. More threads than cores never run
     * the kernels faster (they wait on the same cores and on each other at every barrier), and each costs a stack.
     */
    public static int maxThreads() {
        return 4 * Runtime.getRuntime().availableProcessors();
    }

    /** The default options. */
    public static EngineOptions defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().threads(threads).weights(weights).visionWeights(visionWeights).kvCache(kvCache)
                .maxContext(maxContext).maxTiles(maxTiles).maxPixels(maxPixels).residency(residency).progress(progress);
    }

    /** Builds {@link EngineOptions}; {@link #build()} validates. */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private WeightFormat weights;
        private WeightFormat visionWeights;
        private KvCacheType kvCache = KvCacheType.F32;
        private int maxContext = DEFAULT_MAX_CONTEXT;
        private int maxTiles;
        private long maxPixels = DEFAULT_MAX_PIXELS;
        private Residency residency = Residency.MAPPED;
        private ProgressListener progress = ProgressListener.NONE;

        private Builder() {
        }

        /** Worker threads. */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Decoder weights: null = as stored, or {@link WeightFormat#Q8_0} / {@link WeightFormat#Q4_0}. */
        public Builder weights(WeightFormat f) {
            this.weights = f;
            return this;
        }

        /** Vision weights: null = as stored, or {@link WeightFormat#Q8_0}. */
        public Builder visionWeights(WeightFormat f) {
            this.visionWeights = f;
            return this;
        }

        /** KV cache element type. */
        public Builder kvCache(KvCacheType t) {
            this.kvCache = t;
            return this;
        }

        /** Most prompt + generated tokens per request (≥ 16). */
        public Builder maxContext(int n) {
            this.maxContext = n;
            return this;
        }

        /** Most tiles per image; 0 = the model's {@code max_dynamic_patch}. */
        public Builder maxTiles(int n) {
            this.maxTiles = n;
            return this;
        }

        /** Pixel budget per image, checked from the header before decoding. */
        public Builder maxPixels(long n) {
            this.maxPixels = n;
            return this;
        }

        /** Where weights used as stored live. */
        public Builder residency(Residency r) {
            this.residency = r;
            return this;
        }

        /** Receives progress messages. */
        public Builder progress(ProgressListener p) {
            this.progress = p;
            return this;
        }

        /** The options; IllegalArgumentException names an invalid one. */
        public EngineOptions build() {
            return new EngineOptions(threads, weights, visionWeights, kvCache, maxContext, maxTiles, maxPixels,
                    residency, progress);
        }
    }
}
