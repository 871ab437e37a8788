package org.visionpangu4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.visionpangu4j.llm.tokenizer.ByteLevelBpeTokenizer;
import org.visionpangu4j.llm.tokenizer.SentencePieceTokenizer;
import org.visionpangu4j.llm.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Tokenizer throughput, both tokenizers on the same text.
 *
 * <p>JMH ({@code encode}, {@code encodePrompts}, {@code decode}): {@code tokenizer} = {@code sentencepiece}
 * (tiny-visionpangu's tokenizer.model, 1536 pieces) or {@code byte-level-bpe} (tiny-internvl's real Qwen2 vocabulary,
 * 151643 tokens + 151387 merges, slow files); the text is {@link #mixedEnglishChinese} of about {@code mb} MB. The
 * {@code bytes} counter is UTF-8 input bytes per second (÷ 1e6 = MB/s). Fixture directory: system property
 * {@code visionpangu.testdata} (default {@code testdata}).
 * <pre>
 * java -jar engine-bench/target/benchmarks.jar TokenizerBench -p tokenizer=sentencepiece,byte-level-bpe
 * </pre>
 *
 * <p>Plain timing loop ({@link #main}): the same work without JMH, plus the fixture's tokenizer cases as a second
 * text:
 * <pre>
 * TokenizerBench [--tokenizer sentencepiece|byte-level-bpe] [--text mixed|cases] [--mb 1] [--warmup 5] [--repeats 10]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TokenizerBench {
    @Param({"sentencepiece", "byte-level-bpe"})
    public String tokenizer;

    /** Size of the text in MB of UTF-8. */
    @Param({"1"})
    public double mb;

    private Tokenizer tok;
    private String text;
    private final List<String> prompts = new ArrayList<>();
    private long bytes;
    private int[] ids;

    @Setup(Level.Trial)
    public void setup() {
        Path testdata = Path.of(System.getProperty("visionpangu.testdata", "testdata"));
        tok = load(tokenizer, testdata);
        text = mixedEnglishChinese((long) (mb * 1_000_000), prompts);
        bytes = text.getBytes(StandardCharsets.UTF_8).length;
        ids = tok.encode(text, false);
    }

    /** One long text. */
    @Benchmark
    public int encode(Counters c) {
        c.bytes += bytes;
        return tok.encode(text, false).length;
    }

    /** The same text as prompt-sized strings (one paragraph each). */
    @Benchmark
    public int encodePrompts(Counters c) {
        int n = 0;
        for (String p : prompts) {
            n += tok.encode(p, false).length;
        }
        c.bytes += bytes;
        return n;
    }

    /** Ids of the text back to text; {@code bytes} counts the text's bytes. */
    @Benchmark
    public int decode(Counters c) {
        c.bytes += bytes;
        return tok.decode(ids, false).length();
    }

    static Tokenizer load(String kind, Path testdata) {
        return switch (kind) {
            case "sentencepiece" -> SentencePieceTokenizer.load(testdata.resolve("tiny-visionpangu"));
            case "byte-level-bpe" -> ByteLevelBpeTokenizer.loadSlow(testdata.resolve("tiny-internvl"));
            default -> throw new IllegalArgumentException("tokenizer '" + kind
                    + "': sentencepiece or byte-level-bpe");
        };
    }

    private static final String[] ENGLISH = ("the of and to in is was that for it with as his on be at by had are but"
            + " from or have an they which one you were all we her she there would their will when who him been has"
            + " more if no out do so can what up said about other into than its time only could new them man some"
            + " these then two first may any like now my such make over our even most me state after also made many"
            + " did must before back see through way where get much go well your know should down work year because"
            + " come people just each those take day good how long Mr own too little use US very great still men here"
            + " life both between old under last never place same another think house while high right might came off"
            + " find states since used give against three himself look few general hand school part small American"
            + " home during number again Mrs around thought went without however govern don't world image caption"
            + " model vision language token encoder decoder attention layer").split(" ");
    private static final String[] CHINESE = ("我们 你们 他们 中国 世界 人工智能 模型 图像 描述 语言 视觉 大学 实验室 研究"
            + " 发展 技术 问题 时间 工作 生活 学习 知道 可以 没有 因为 所以 但是 如果 已经 现在 一个 这个 那个 什么 怎么"
            + " 非常 重要 开始 结束 看到 图片 显示 左边 右边 上面 下面 颜色 红色 蓝色 绿色 桌子 椅子 电脑 手机 城市 天气"
            + " 今天 明天 昨天 朋友 老师 学生 经济 社会 文化 历史 科学 数据 网络 系统 方法 结果 分析 能力 环境 质量 安全"
            + " 上海 北京 书生 万象 多模态 合作 单位 联合 开发 的 了 是 在 和 有 不 也 都 很 就 说").split(" ");

    /**
     * A reproducible mixed text of about {@code targetBytes} UTF-8 bytes (seeded): paragraphs of English and
     * Chinese sentences in random order, English from common words with commas, numbers and a capital first letter,
     * Chinese from common words without spaces (so a sentence is a few long pre-tokens) with ， and 。; paragraphs
     * end with a blank line. Each paragraph is also recorded in {@code paragraphs}.
     */
    static String mixedEnglishChinese(long targetBytes, List<String> paragraphs) {
        SplittableRandom rnd = new SplittableRandom(20250611);
        StringBuilder all = new StringBuilder();
        long size = 0;
        while (size < targetBytes) {
            StringBuilder p = new StringBuilder();
            int sentences = 3 + rnd.nextInt(4);
            for (int s = 0; s < sentences; s++) {
                if (rnd.nextBoolean()) {
                    english(rnd, p);
                } else {
                    chinese(rnd, p);
                }
            }
            p.append("\n\n");
            String para = p.toString();
            paragraphs.add(para);
            all.append(para);
            size += para.getBytes(StandardCharsets.UTF_8).length;
        }
        return all.toString();
    }

    private static void english(SplittableRandom rnd, StringBuilder p) {
        int words = 5 + rnd.nextInt(12);
        for (int w = 0; w < words; w++) {
            String word = rnd.nextInt(20) == 0 ? Integer.toString(rnd.nextInt(3000)) : ENGLISH[rnd.nextInt(ENGLISH.length)];
            if (w == 0) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            p.append(word);
            p.append(w == words - 1 ? (rnd.nextInt(6) == 0 ? '?' : '.') : rnd.nextInt(8) == 0 ? ',' : ' ');
            if (w < words - 1 && p.charAt(p.length() - 1) == ',') {
                p.append(' ');
            }
        }
        p.append(' ');
    }

    private static void chinese(SplittableRandom rnd, StringBuilder p) {
        int words = 4 + rnd.nextInt(10);
        for (int w = 0; w < words; w++) {
            p.append(CHINESE[rnd.nextInt(CHINESE.length)]);
            if (w < words - 1 && rnd.nextInt(5) == 0) {
                p.append('，');
            }
        }
        p.append('。');
    }

    // ---------------------------------------------------------------- plain timing loop

    public static void main(String[] args) throws Exception {
        String kind = "sentencepiece";
        String source = "mixed";
        double mb = 1.0;
        int warmup = 5;
        int repeats = 10;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--tokenizer" -> kind = v;
                case "--text" -> source = v;
                case "--mb" -> mb = Double.parseDouble(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--repeats" -> repeats = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--tokenizer, --text, --mb, --warmup, --repeats)");
            }
        }
        Path testdata = Path.of(System.getProperty("visionpangu.testdata", "testdata"));
        long t0 = System.nanoTime();
        Tokenizer tok = load(kind, testdata);
        double loadMs = (System.nanoTime() - t0) / 1e6;
        List<String> prompts = new ArrayList<>();
        long target = (long) (mb * 1_000_000);
        String text = source.equals("cases")
                ? fixtureCases(sampleTexts(testdata.resolve(kind.equals("sentencepiece") ? "tiny-visionpangu"
                : "tiny-internvl")), target, prompts)
                : mixedEnglishChinese(target, prompts);
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        int[] ids = tok.encode(text, false);
        System.out.printf("JDK %s; %s (loaded in %.0f ms); %s text %.2f MB UTF-8 (%d chars, %d prompts) → %d tokens;"
                        + " %d warm-up + %d timed rounds%n", Runtime.version(), kind, loadMs, source, bytes / 1e6,
                text.length(), prompts.size(), ids.length, warmup, repeats);
        report("encode, one text", bytes, ids.length, time(warmup, repeats, () -> tok.encode(text, false).length));
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
    static String fixtureCases(List<String> parts, long targetBytes, List<String> prompts) {
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
