package org.visionpangu4j.bench.e2e;

import org.visionpangu4j.EngineOptions.Residency;
import org.visionpangu4j.kernels.KvCache;
import org.visionpangu4j.kernels.WeightFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * What one {@code visionpangu bench} invocation measures: the grid (weights × kv × threads × tiles, one
 * configuration per combination, in that nesting order) and the per-configuration settings.
 *
 * @param model     model directory (config.json + safetensors; no tokenizer needed); null while the command line is
 *                  being checked and the default checkpoint is not chosen yet (see {@link #withModel})
 * @param weights   decoder weight formats
 * @param kv        KV cache types
 * @param threads   worker thread counts
 * @param tiles     image tile counts for the vision and image → first-token measurements
 * @param prompt    prompt tokens of the prefill measurement (pp)
 * @param generate  tokens of the decode measurement (tg)
 * @param repeat    measured runs per configuration (after one warm-up run)
 * @param residency how weights are held while measured
 * @param skip      phases not measured
 */
public record BenchPlan(Path model, List<Weights> weights, List<KvCache.Type> kv, List<Integer> threads,
                        List<Integer> tiles, int prompt, int generate, int repeat, Residency residency,
                        Set<Phase> skip) {

    /** A decoder weight choice: {@code format} null means as stored in the checkpoint (a zero-copy view). */
    public record Weights(String label, WeightFormat format) {
        public static final String AS_STORED = "as-stored";

        public static Weights parse(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals(AS_STORED)) {
                return new Weights(AS_STORED, null);
            }
            try {
                return new Weights(t, WeightFormat.parse(t));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown weight format '" + s.trim() + "' (expected " + AS_STORED
                        + ", q8_0, q4_0, bf16, f16 or f32)");
            }
        }
    }

    /** Measurements that {@code --skip} can leave out; vision covers image → first token too. */
    public enum Phase {
        VISION, PREFILL, DECODE;

        public static Phase parse(String s) {
            for (Phase p : values()) {
                if (p.name().equalsIgnoreCase(s.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown phase '" + s.trim() + "' (expected vision, prefill or decode)");
        }
    }

    /** One point of the grid. {@code tiles} is 0 when vision is skipped (then the tile list plays no part). */
    public record Config(Weights weights, KvCache.Type kv, int threads, int tiles) {
    }

    public BenchPlan {
        weights = List.copyOf(weights);
        kv = List.copyOf(kv);
        threads = List.copyOf(threads);
        tiles = List.copyOf(tiles);
        skip = skip.isEmpty() ? EnumSet.noneOf(Phase.class) : EnumSet.copyOf(skip);
        require(!weights.isEmpty() && !kv.isEmpty() && !threads.isEmpty() && !tiles.isEmpty(),
                "--weights, --kv, --threads and --tiles each need at least one value");
        for (int t : threads) {
            require(t >= 1, "--threads: thread counts must be ≥ 1, got " + t);
        }
        for (int t : tiles) {
            require(t >= 1, "--tiles: tile counts must be ≥ 1, got " + t);
        }
        require(prompt >= 1, "-p: the prefill prompt needs at least 1 token, got " + prompt);
        require(generate >= 1, "-n: decode needs at least 1 token, got " + generate);
        require(repeat >= 1, "--repeat must be ≥ 1, got " + repeat);
        require(skip.size() < Phase.values().length, "--skip: skipping vision, prefill and decode leaves nothing to"
                + " measure but load time; keep at least one");
    }

    public BenchPlan withModel(Path dir) {
        return new BenchPlan(dir, weights, kv, threads, tiles, prompt, generate, repeat, residency, skip);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public boolean measures(Phase p) {
        return !skip.contains(p);
    }

    /** Every configuration, weights outermost (so runs of one format sit together), tiles innermost. */
    public List<Config> configs() {
        List<Integer> tileAxis = measures(Phase.VISION) ? tiles : List.of(0);
        List<Config> out = new ArrayList<>();
        for (Weights w : weights) {
            for (KvCache.Type k : kv) {
                for (int t : threads) {
                    for (int n : tileAxis) {
                        out.add(new Config(w, k, t, n));
                    }
                }
            }
        }
        return out;
    }

    // ---- parsing of the comma lists of the command line ---------------------------------------------------------

    /** "a,b,c" → parsed items in order, duplicates dropped; an empty item is an error naming {@code option}. */
    public static <T> List<T> list(String option, String value, Function<String, T> parse) {
        Set<T> items = new LinkedHashSet<>();
        for (String part : value.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException(option + ": empty item in '" + value + "'");
            }
            try {
                items.add(parse.apply(part.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(items);
    }

    public static int integer(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s.trim() + "' is not a whole number");
        }
    }

    public static KvCache.Type kvType(String s) {
        for (KvCache.Type t : KvCache.Type.values()) {
            if (t.name().equalsIgnoreCase(s.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown KV cache type '" + s.trim() + "' (expected f32 or int8)");
    }

    public static Residency residency(String s) {
        for (Residency r : Residency.values()) {
            if (r.name().equalsIgnoreCase(s.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("--residency: unknown residency '" + s.trim()
                + "' (expected preload, mapped or anonymous)");
    }
}
