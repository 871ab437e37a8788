package org.visionpangu4j.spark;

import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.KvCacheType;
import org.visionpangu4j.WeightFormat;

import java.io.Serializable;
import java.util.Locale;

/**
 * How each executor loads its {@link org.visionpangu4j.Engine}: the serializable, string-valued twin of
 * {@link EngineOptions} (the values Spark ML params can hold and pipelines can save). Together with the model
 * directory it is the key of the executor's engine: tasks with equal settings share one engine.
 *
 * @param threads       kernel worker threads; 0 = derived from the executor's cores ({@link ExecutorThreads})
 * @param weights       decoder weights: {@code as-stored}, {@code q8_0} or {@code q4_0} (quantized at load)
 * @param visionWeights vision tower and projector: {@code as-stored} or {@code q8_0}
 * @param kvCache       KV cache element type: {@code f32} or {@code int8}
 * @param maxContext    most prompt + generated tokens per request
 * @param maxTiles      most tiles per image; 0 = the model's {@code max_dynamic_patch}
 * @param maxPixels     images whose header declares more pixels are refused before decoding
 * @param residency     {@code mapped}, {@code preload} or {@code anonymous} (see {@link EngineOptions.Residency})
 */
public record EngineSettings(int threads, String weights, String visionWeights, String kvCache, int maxContext,
                             int maxTiles, long maxPixels, String residency) implements Serializable {

    /** Spellings accepted for {@link #weights}. */
    public static final String[] WEIGHTS = {"as-stored", "q8_0", "q4_0"};
    /** Spellings accepted for {@link #visionWeights}. */
    public static final String[] VISION_WEIGHTS = {"as-stored", "q8_0"};
    /** Spellings accepted for {@link #kvCache}. */
    public static final String[] KV_CACHES = {"f32", "int8"};
    /** Spellings accepted for {@link #residency}. */
    public static final String[] RESIDENCIES = {"mapped", "preload", "anonymous"};

    /** Validates every field now, on the driver, so a typo fails the job before any executor loads a model. */
    public EngineSettings {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be ≥ 0 (0 = the executor's cores), got " + threads);
        }
        weights = canonical("weights", weights, WEIGHTS);
        visionWeights = canonical("visionWeights", visionWeights, VISION_WEIGHTS);
        kvCache = canonical("kvCache", kvCache, KV_CACHES);
        residency = canonical("residency", residency, RESIDENCIES);
        options(Math.max(threads, 1), weights, visionWeights, kvCache, maxContext, maxTiles, maxPixels, residency);
    }

    /** The engine's own defaults, threads from the executor. */
    public static EngineSettings defaults() {
        return new EngineSettings(0, "as-stored", "as-stored", "f32", EngineOptions.DEFAULT_MAX_CONTEXT, 0,
                EngineOptions.DEFAULT_MAX_PIXELS, "mapped");
    }

    public EngineSettings withThreads(int n) {
        return new EngineSettings(n, weights, visionWeights, kvCache, maxContext, maxTiles, maxPixels, residency);
    }

    public EngineSettings withWeights(String w) {
        return new EngineSettings(threads, w, visionWeights, kvCache, maxContext, maxTiles, maxPixels, residency);
    }

    public EngineSettings withVisionWeights(String w) {
        return new EngineSettings(threads, weights, w, kvCache, maxContext, maxTiles, maxPixels, residency);
    }

    public EngineSettings withKvCache(String kv) {
        return new EngineSettings(threads, weights, visionWeights, kv, maxContext, maxTiles, maxPixels, residency);
    }

    public EngineSettings withMaxContext(int n) {
        return new EngineSettings(threads, weights, visionWeights, kvCache, n, maxTiles, maxPixels, residency);
    }

    public EngineSettings withMaxTiles(int n) {
        return new EngineSettings(threads, weights, visionWeights, kvCache, maxContext, n, maxPixels, residency);
    }

    public EngineSettings withMaxPixels(long n) {
        return new EngineSettings(threads, weights, visionWeights, kvCache, maxContext, maxTiles, n, residency);
    }

    public EngineSettings withResidency(String r) {
        return new EngineSettings(threads, weights, visionWeights, kvCache, maxContext, maxTiles, maxPixels, r);
    }

    /** The engine options these settings stand for, with {@code resolvedThreads} worker threads. */
    public EngineOptions toOptions(int resolvedThreads) {
        return options(resolvedThreads, weights, visionWeights, kvCache, maxContext, maxTiles, maxPixels, residency);
    }

    // Static: the compact constructor validates through it before the fields are assigned.
    private static EngineOptions options(int resolvedThreads, String weights, String visionWeights, String kvCache,
                                         int maxContext, int maxTiles, long maxPixels, String residency) {
        return EngineOptions.builder()
                .threads(resolvedThreads)
                .weights(weightFormat(weights))
                .visionWeights(weightFormat(visionWeights))
                .kvCache(kvCache.equals("int8") ? KvCacheType.INT8 : KvCacheType.F32)
                .maxContext(maxContext)
                .maxTiles(maxTiles)
                .maxPixels(maxPixels)
                .residency(EngineOptions.Residency.valueOf(residency.toUpperCase(Locale.ROOT)))
                .build();
    }

    private static WeightFormat weightFormat(String s) {
        return switch (s) {
            case "q8_0" -> WeightFormat.Q8_0;
            case "q4_0" -> WeightFormat.Q4_0;
            default -> null;
        };
    }

    private static String canonical(String name, String value, String[] allowed) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (String a : allowed) {
                if (a.equals(v)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ", got "
                + (value == null ? "null" : "'" + value + "'"));
    }
}
