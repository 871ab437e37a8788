package org.visionpangu4j.cli.bench;

import org.visionpangu4j.EngineOptions.Residency;
import org.visionpangu4j.cli.bench.BenchPlan.Config;
import org.visionpangu4j.cli.bench.BenchPlan.Phase;
import org.visionpangu4j.core.config.ConfigParser;
import org.visionpangu4j.core.config.ModelConfig;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.CheckpointLayout;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.VectorMath;
import org.visionpangu4j.llm.model.Decoder;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.llm.model.SessionOptions;
import org.visionpangu4j.llm.model.WeightFormats;
import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.image.RgbImage;
import org.visionpangu4j.vision.model.VisionModel;
import org.visionpangu4j.vision.model.VisionOptions;
import org.visionpangu4j.vision.preprocess.ImagePreprocessor;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs a {@link BenchPlan} below the Engine, with token ids (random-weight checkpoints have no tokenizer).
 *
 * <p>Each configuration runs one warm-up cycle (JIT, page cache), then {@code repeat} measured cycles. A cycle:
 * reset the RSS peak → load to ready (the Engine's steps: open, decoder with its weight formats, vision tower,
 * preload) → image → first token → prefill → decode → read the peak → close.
 * So every metric, load time and peak RSS included, is a mean over the same runs.
 */
public final class BenchHarness implements AutoCloseable {
    /** Text tokens around the image block in the image prompt: system/user header before, question after. */
    static final int TEXT_BEFORE = 20;
    static final int TEXT_AFTER = 20;
    /** The decode measurement starts after a prompt this long (prefilled, not timed). */
    static final int DECODE_PROMPT = 16;

    private final BenchPlan plan;
    private final ModelConfig cfg;
    private final ImagePreprocessor preprocessor;
    private final ImageDecoder imageDecoder = new ImageDecoder();
    private final ProcMemory memory = ProcMemory.probe();
    private final Consumer<String> progress;
    private final Map<Integer, WorkerPool> pools = new TreeMap<>();

    /** Checks the plan against the model's config (context length, tile counts) before anything runs. */
    public BenchHarness(BenchPlan plan, Consumer<String> progress) {
        this.plan = plan;
        this.progress = progress;
        this.cfg = ConfigParser.parse(plan.model());
        this.preprocessor = ImagePreprocessor.fromConfig(cfg);
        int maxPos = cfg.llm().maxPositionEmbeddings();
        if (plan.measures(Phase.PREFILL) && plan.prompt() > maxPos) {
            throw new IllegalArgumentException("-p " + plan.prompt() + " exceeds the model's context of " + maxPos);
        }
        if (plan.measures(Phase.DECODE) && DECODE_PROMPT + plan.generate() > maxPos) {
            throw new IllegalArgumentException("-n " + plan.generate() + " (after a " + DECODE_PROMPT
                    + "-token prompt) exceeds the model's context of " + maxPos);
        }
        if (plan.measures(Phase.VISION)) {
            for (int t : plan.tiles()) {
                SyntheticImage.size(preprocessor, t);
                if (imagePromptLength(t) > maxPos) {
                    throw new IllegalArgumentException("--tiles " + t + ": the image prompt (" + imagePromptLength(t)
                            + " tokens) exceeds the model's context of " + maxPos);
                }
            }
        }
    }

    public ModelConfig config() {
        return cfg;
    }

    public ProcMemory memory() {
        return memory;
    }

    /** Runs every configuration in order, handing each result to {@code sink} as soon as it is measured. */
    public List<BenchResult> run(Consumer<BenchResult> sink) {
        List<Config> configs = plan.configs();
        List<BenchResult> results = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            Config c = configs.get(i);
            progress.accept(String.format("configuration %d/%d: weights %s, kv %s, threads %d%s", i + 1,
                    configs.size(), c.weights().label(), c.kv().name().toLowerCase(java.util.Locale.ROOT), c.threads(),
                    c.tiles() > 0 ? ", tiles " + c.tiles() : ""));
            BenchResult r = measure(c);
            results.add(r);
            sink.accept(r);
        }
        return results;
    }

    /** One configuration: a warm-up cycle, then {@code repeat} measured cycles. */
    BenchResult measure(Config c) {
        double loadStart = BenchReport.Environment.loadAverage();
        WorkerPool pool = pools.computeIfAbsent(c.threads(), WorkerPool::new);
        byte[] image = c.tiles() > 0 ? SyntheticImage.jpeg(preprocessor, c.tiles()) : null;
        cycle(c, pool, image);
        int n = plan.repeat();
        Sample[] s = new Sample[n];
        for (int r = 0; r < n; r++) {
            s[r] = cycle(c, pool, image);
        }
        long kv = 0;
        for (Sample x : s) {
            kv = Math.max(kv, x.kvBytes);
        }
        return new BenchResult(c, stats(s, x -> x.loadS), stats(s, x -> (double) x.rssBytes),
                stats(s, x -> (double) x.baseRssBytes),
                stats(s, x -> x.visionSPerTile), stats(s, x -> x.imageFirstTokenS), stats(s, x -> x.prefillTps),
                stats(s, x -> x.decodeTps), s[0].weightBytes, kv, loadStart, BenchReport.Environment.loadAverage());
    }

    /** One run's numbers; NaN for phases not measured. */
    private static final class Sample {
        double loadS;
        long rssBytes;
        long baseRssBytes;
        double visionSPerTile = Double.NaN;
        double imageFirstTokenS = Double.NaN;
        double prefillTps = Double.NaN;
        double decodeTps = Double.NaN;
        long weightBytes;
        long kvBytes;
    }

    private static Stats stats(Sample[] s, java.util.function.ToDoubleFunction<Sample> f) {
        double[] v = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            v[i] = f.applyAsDouble(s[i]);
        }
        return Stats.of(v);
    }

    private Sample cycle(Config c, WorkerPool pool, byte[] image) {
        Sample s = new Sample();
        System.gc(); // garbage of the previous run should not count towards this run's peak
        memory.resetPeak();
        s.baseRssBytes = memory.residentBytes();
        long t0 = System.nanoTime();
        try (Loaded m = load(c)) {
            s.loadS = (System.nanoTime() - t0) / 1e9;
            s.weightBytes = m.weightBytes();
            if (image != null) {
                imageToFirstToken(m, c, pool, image, s);
            }
            if (plan.measures(Phase.PREFILL)) {
                prefill(m.decoder, c, pool, s);
            }
            if (plan.measures(Phase.DECODE)) {
                decode(m.decoder, c, pool, s);
            }
            s.rssBytes = memory.runBytes();
        }
        return s;
    }

    // ---- load to ready ------------------------------------------------------------------------------------------

    /** A loaded model; closing it unmaps the checkpoint and frees quantized copies. */
    private record Loaded(Checkpoint ckpt, Decoder decoder, VisionModel vision) implements AutoCloseable {
        /**
         * Decoder bytes as held plus the vision tower and projector as stored (sizes from the header: nothing is
         * read, so this does not change what is resident).
         */
        long weightBytes() {
            CheckpointLayout layout = CheckpointLayout.INTERNVL_NATIVE;
            long v = 0;
            for (String name : ckpt.names()) {
                CheckpointLayout.Component part = layout.component(name);
                if (part == CheckpointLayout.Component.VISION || part == CheckpointLayout.Component.PROJECTOR) {
                    v += Tensor.numel(ckpt.shape(name)) * ckpt.dtype(name).byteSize();
                }
            }
            return decoder.weights().byteSize() + v;
        }

        @Override
        public void close() {
            ckpt.close();
        }
    }

    /** The Engine's load sequence without the tokenizer: config, open, decoder, vision tower, preload if asked. */
    private Loaded load(Config c) {
        Path dir = plan.model();
        ModelConfig config = ConfigParser.parse(dir);
        Checkpoint ckpt = plan.residency() == Residency.ANONYMOUS
                ? Checkpoint.openInAnonymousMemory(dir) : Checkpoint.open(dir);
        try {
            CheckpointLayout.requireInternVLNative(ckpt);
            WeightFormats formats = c.weights().format() == null ? WeightFormats.asStored()
                    : WeightFormats.all(c.weights().format());
            Decoder decoder = Decoder.load(ckpt, config.llm(), formats);
            VisionModel vision = VisionModel.load(ckpt, config, VisionOptions.asStored());
            if (plan.residency() == Residency.PRELOAD) {
                ckpt.preload();
            }
            return new Loaded(ckpt, decoder, vision);
        } catch (RuntimeException | Error e) {
            ckpt.close();
            throw e;
        }
    }

    // ---- the timed phases ---------------------------------------------------------------------------------------

    static int imagePromptLength(ModelConfig cfg, int tiles) {
        return TEXT_BEFORE + 1 + tiles * cfg.tokensPerTile() + 1 + TEXT_AFTER;
    }

    private int imagePromptLength(int tiles) {
        return imagePromptLength(cfg, tiles);
    }

    /**
     * JPEG → first logits of an image prompt: decode, preprocess, encode the tiles, splice the features between
     * the text rows ({@code <img>} … {@code </img>} stand-ins included) and prefill.
     */
    private void imageToFirstToken(Loaded m, Config c, WorkerPool pool, byte[] jpeg, Sample s) {
        long t0 = System.nanoTime();
        RgbImage rgb = imageDecoder.decode(jpeg);
        PixelValues pv = preprocessor.preprocess(rgb);
        if (pv.tiles() != c.tiles()) {
            throw new IllegalStateException("synthetic image gave " + pv.tiles() + " tiles, not " + c.tiles());
        }
        long t1 = System.nanoTime();
        float[] features = m.vision.encode(pv, pool);
        long t2 = System.nanoTime();
        float[] x = splice(m.decoder, features, randomIds(m.decoder, TEXT_BEFORE + 1, 1),
                randomIds(m.decoder, 1 + TEXT_AFTER, 2));
        Session session = m.decoder.newSession(pool, new SessionOptions(x.length / m.decoder.hiddenSize(), c.kv(),
                SessionOptions.DEFAULT_PREFILL_CHUNK));
        float[] logits = session.prefill(x);
        long t3 = System.nanoTime();
        check(logits);
        s.kvBytes = Math.max(s.kvBytes, session.kvCacheBytes());
        s.visionSPerTile = (t2 - t1) / 1e9 / c.tiles();
        s.imageFirstTokenS = (t3 - t0) / 1e9;
    }

    /** Rows [before ids | image features | after ids] of input embeddings, as the Engine builds them. */
    private static float[] splice(Decoder d, float[] features, int[] before, int[] after) {
        int h = d.hiddenSize();
        float[] x = new float[(before.length + after.length) * h + features.length];
        for (int i = 0; i < before.length; i++) {
            d.weights().embedding().decodeRow(before[i], x, i * h);
        }
        System.arraycopy(features, 0, x, before.length * h, features.length);
        int off = before.length * h + features.length;
        for (int i = 0; i < after.length; i++) {
            d.weights().embedding().decodeRow(after[i], x, off + i * h);
        }
        return x;
    }

    /** pp random ids in one prefill (the Session batches them by its prefill chunk). */
    private void prefill(Decoder d, Config c, WorkerPool pool, Sample s) {
        int[] ids = randomIds(d, plan.prompt(), 3);
        Session session = d.newSession(pool, new SessionOptions(ids.length, c.kv(), SessionOptions.DEFAULT_PREFILL_CHUNK));
        long t0 = System.nanoTime();
        float[] logits = session.prefill(ids);
        long t1 = System.nanoTime();
        check(logits);
        s.kvBytes = Math.max(s.kvBytes, session.kvCacheBytes());
        s.prefillTps = ids.length / ((t1 - t0) / 1e9);
    }

    /** tg greedy single-token steps after a short (untimed) prompt. */
    private void decode(Decoder d, Config c, WorkerPool pool, Sample s) {
        int tg = plan.generate();
        Session session = d.newSession(pool, new SessionOptions(DECODE_PROMPT + tg, c.kv(),
                SessionOptions.DEFAULT_PREFILL_CHUNK));
        float[] logits = session.prefill(randomIds(d, DECODE_PROMPT, 4));
        int vocab = d.vocabSize();
        long t0 = System.nanoTime();
        for (int i = 0; i < tg; i++) {
            logits = session.decode(VectorMath.argmax(logits, 0, vocab));
        }
        long t1 = System.nanoTime();
        check(logits);
        s.kvBytes = Math.max(s.kvBytes, session.kvCacheBytes());
        s.decodeTps = tg / ((t1 - t0) / 1e9);
    }

    private static int[] randomIds(Decoder d, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(d.vocabSize());
        }
        return ids;
    }

    /** A benchmark of a broken forward pass is worthless: the logits must be finite. */
    private static void check(float[] logits) {
        for (float v : logits) {
            if (!Float.isFinite(v)) {
                throw new IllegalStateException("non-finite logits: the forward pass is broken, numbers would be "
                        + "meaningless");
            }
        }
    }

    @Override
    public void close() {
        for (WorkerPool p : pools.values()) {
            p.close();
        }
        pools.clear();
    }
}
