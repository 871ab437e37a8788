package org.visionpangu4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.llm.tokenizer.SentencePieceTokenizer;
import org.visionpangu4j.llm.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Tokenizer throughput: encodes about {@code --mb} MB of mixed text (the fixture's tokenizer-case strings — English,
 * Chinese, code, emoji, added tokens — concatenated in a seeded random order) and reports MB/s of UTF-8 input, both
 * as one long text and as many prompt-sized strings; also decode throughput of the resulting ids.
 *
 * <pre>
 * TokenizerBench [--dir testdata/tiny-visionpangu] [--mb 1] [--warmup 5] [--repeats 10]
 * </pre>
 * A plain timing loop (JMH is not wired into this module yet): warm-up rounds first, then the median and best of the
 * timed rounds.
 */
public final class TokenizerBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of("testdata", "tiny-visionpangu");
        double mb = 1.0;
        int warmup = 5;
        int repeats = 10;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--dir" -> dir = Path.of(v);
                case "--mb" -> mb = Double.parseDouble(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--repeats" -> repeats = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--dir, --mb, --warmup, --repeats)");
            }
        }
        Tokenizer tok = SentencePieceTokenizer.load(dir);
        List<String> parts = sampleTexts(dir);
        List<String> prompts = new ArrayList<>();
        String text = mixedText(parts, (long) (mb * 1_000_000), prompts);
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        int[] ids = tok.encode(text);
        System.out.printf("JDK %s; text %.2f MB UTF-8 (%d chars, %d prompts) → %d tokens; %d warm-up + %d timed rounds%n",
                Runtime.version(), bytes / 1e6, text.length(), prompts.size(), ids.length, warmup, repeats);

        report("encode, one text", bytes, ids.length, time(warmup, repeats, () -> tok.encode(text).length));
        report("encode, per prompt", bytes, ids.length, time(warmup, repeats, () -> {
            int n = 0;
            for (String p : prompts) {
                n += tok.encode(p, false).length;
            }
            return n;
        }));
        report("decode", bytes, ids.length, time(warmup, repeats, () -> tok.decode(ids, false).length()));
    }

    /** The text of every encode case in golden/tokenizer_cases.json. */
    static List<String> sampleTexts(Path dir) throws Exception {
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("golden/tokenizer_cases.json").toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode c : cases.get("cases")) {
            if (!c.get("text").asText().isEmpty()) {
                out.add(c.get("text").asText());
            }
        }
        return out;
    }

    /** Concatenates random sample texts (space-separated) until {@code targetBytes}; records each piece. */
    static String mixedText(List<String> parts, long targetBytes, List<String> prompts) {
        SplittableRandom rnd = new SplittableRandom(7);
        StringBuilder sb = new StringBuilder();
        long size = 0;
        while (size < targetBytes) {
            String p = parts.get(rnd.nextInt(parts.size()));
            prompts.add(p);
            sb.append(p).append(' ');
            size += p.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return sb.toString();
    }

    interface Work {
        int run();
    }

    /** Seconds per round, sorted. */
    static double[] time(int warmup, int repeats, Work w) {
        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += w.run();
        }
        double[] s = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            sink += w.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        if (sink == 42) {
            System.out.print("");   // keep the results alive
        }
        Arrays.sort(s);
        return s;
    }

    static void report(String what, long bytes, int tokens, double[] seconds) {
        double median = seconds[seconds.length / 2];
        double best = seconds[0];
        System.out.printf("%-20s median %7.2f MB/s (%6.2f M tokens/s), best %7.2f MB/s, median %.1f ms%n", what,
                bytes / 1e6 / median, tokens / 1e6 / median, bytes / 1e6 / best, median * 1e3);
    }
}
