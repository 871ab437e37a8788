package org.visionpangu4j.cli;

import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.KvCacheType;
import org.visionpangu4j.WeightFormat;
import picocli.CommandLine.Option;

import java.util.Locale;

/** How to load the engine: the options every command that loads a model shares (a picocli mixin). */
final class EngineFlags {
    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all processors).")
    Integer threads;

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "as-stored",
            description = "Decoder weights: as-stored, q8_0 or q4_0 (quantized at load).")
    String weights;

    @Option(names = "--kv", paramLabel = "TYPE", defaultValue = "f32", description = "KV cache: f32 or int8.")
    String kv;

    @Option(names = "--max-tiles", paramLabel = "N", defaultValue = "0",
            description = "Most tiles per image (default: the model's max_dynamic_patch).")
    int maxTiles;

    @Option(names = "--max-context", paramLabel = "N", defaultValue = "8192", description = "Most tokens per request.")
    int maxContext;

    /** The engine options these flags give (IllegalArgumentException naming a bad one). */
    EngineOptions.Builder builder() {
        EngineOptions.Builder b = EngineOptions.builder()
                .weights(parseWeights(weights))
                .kvCache(parseKv(kv))
                .maxTiles(maxTiles)
                .maxContext(maxContext);
        if (threads != null) {
            b.threads(threads);
        }
        return b;
    }

    /** "as-stored" → null, else Q8_0 / Q4_0. */
    static WeightFormat parseWeights(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "as-stored", "stored" -> null;
            case "q8_0" -> WeightFormat.Q8_0;
            case "q4_0" -> WeightFormat.Q4_0;
            default -> throw new IllegalArgumentException("--weights must be as-stored, q8_0 or q4_0, got '" + s + "'");
        };
    }

    static KvCacheType parseKv(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "f32" -> KvCacheType.F32;
            case "int8", "i8" -> KvCacheType.INT8;
            default -> throw new IllegalArgumentException("--kv must be f32 or int8, got '" + s + "'");
        };
    }
}
