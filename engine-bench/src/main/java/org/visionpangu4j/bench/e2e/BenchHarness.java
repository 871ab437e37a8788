package org.visionpangu4j.bench.e2e;

import org.visionpangu4j.EngineOptions.Residency;
import org.visionpangu4j.bench.e2e.BenchPlan.Config;
import org.visionpangu4j.bench.e2e.BenchPlan.Phase;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.kernels.VectorMath;
import org.visionpangu4j.llm.model.Decoder;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.model.ModelSpec;
import org.visionpangu4j.model.MultimodalModel;
import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.image.RgbImage;
import org.visionpangu4j.vision.preprocess.ImagePreprocessor;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a {@link BenchPlan} below the Engine, with token ids (random-weight checkpoints have no tokenizer).
 *
 * <p>Each configuration runs one warm-up cycle (JIT, page cache), then {@code repeat} measured cycles. A cycle:
 * reset the RSS peak → load to ready ({@link MultimodalModel#load}, the Engine's own load path) → image → first
 * token → prefill → decode → read the peak → close.
 * So every metric, load time and peak RSS included, is a mean over the same runs.
 */
public final class BenchHarness implements AutoCloseable {
    /** Text tokens around the image block in the image prompt: system/user header before, question after. */
    static final int TEXT_BEFORE = 20;
    static final int TEXT_AFTER = 20;
    /** The decode measurement starts after a prompt this long (prefilled, not timed). */
    static final int DECODE_PROMPT = 16;

    private final BenchPlan plan;
    private final ModelSpec spec;
    private final ImagePreprocessor preprocessor;
    private final ImageDecoder imageDecoder = new ImageDecoder();
    private final ProcMemory memory = ProcMemory.probe();
    private final Consumer<String> progress;

    /** Checks the plan against the model's config (context length, tile counts) before anything runs. */
    public BenchHarness(BenchPlan plan, Consumer<String> progress) {
        this.plan = plan;
        this.progress = progress;
        ModelSpec.requireModelDirectory(plan.model());
        try (Checkpoint header = Checkpoint.open(plan.model())) {
            this.spec = ModelSpec.read(plan.model(), header.names());
        }
        this.preprocessor = new ImagePreprocessor(spec.vision().tiling());
        int maxPos = spec.decoder().maxPositionEmbeddings();
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

    public ModelSpec spec() {
        return spec;
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
        byte[] image = c.tiles() > 0 ? SyntheticImage.jpeg(preprocessor, c.tiles()) : null;
        cycle(c, image);
        int n = plan.repeat();
        Sample[] s = new Sample[n];
        for (int r = 0; r < n; r++) {
            s[r] = cycle(c, image);
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

    private Sample cycle(Config c, byte[] image) {
        Sample s = new Sample();
        System.gc(); // garbage of the previous run should not count towards this run's peak
        memory.resetPeak();
        s.baseRssBytes = memory.residentBytes();
        long t0 = System.nanoTime();
        try (MultimodalModel m = MultimodalModel.load(plan.model(), new MultimodalModel.LoadSettings(c.threads(),
                c.weights().format(), null, plan.residency(), 0), msg -> { })) {
            s.loadS = (System.nanoTime() - t0) / 1e9;
            // Decoder bytes as held plus the vision tower and projector as stored.
            s.weightBytes = m.decoderWeightBytes() + m.visionWeightBytes();
            if (image != null) {
                imageToFirstToken(m, c, image, s);
            }
            if (plan.measures(Phase.PREFILL)) {
                prefill(m, c, s);
            }
            if (plan.measures(Phase.DECODE)) {
                decode(m, c, s);
            }
            s.rssBytes = memory.runBytes();
        }
        return s;
    }

    // ---- the timed phases ---------------------------------------------------------------------------------------

    static int imagePromptLength(ModelSpec spec, int tiles) {
        return TEXT_BEFORE + 1 + tiles * spec.tokensPerTile() + 1 + TEXT_AFTER;
    }

    private int imagePromptLength(int tiles) {
        return imagePromptLength(spec, tiles);
    }

    /**
     * JPEG → first logits of an image prompt: decode, preprocess, encode the tiles, splice the features between
     * the text rows ({@code <img>} … {@code </img>} stand-ins included) and prefill, as the Engine does.
     */
    private void imageToFirstToken(MultimodalModel m, Config c, byte[] jpeg, Sample s) {
        long t0 = System.nanoTime();
        RgbImage rgb = imageDecoder.decode(jpeg);
        PixelValues pv = m.preprocess(rgb);
        if (pv.tiles() != c.tiles()) {
            throw new IllegalStateException("synthetic image gave " + pv.tiles() + " tiles, not " + c.tiles());
        }
        long t1 = System.nanoTime();
        float[] features = m.encode(pv);
        long t2 = System.nanoTime();
        float[] x = m.embed(imagePromptIds(m.decoder(), pv.tiles() * m.tokensPerTile()), contextId(m.decoder()),
                features);
        Session session = m.newSession(x.length / m.decoder().hiddenSize(), c.kv());
        float[] logits = session.prefill(x);
        long t3 = System.nanoTime();
        check(logits);
        s.kvBytes = Math.max(s.kvBytes, session.kvCacheBytes());
        s.visionSPerTile = (t2 - t1) / 1e9 / c.tiles();
        s.imageFirstTokenS = (t3 - t0) / 1e9;
    }

    /** The stand-in for {@code <IMG_CONTEXT>}: random checkpoints have no tokenizer, random ids never draw it. */
    private static int contextId(Decoder d) {
        return d.vocabSize() - 1;
    }

    /** [before ids | context × n | after ids], the shape of an image prompt. */
    private static int[] imagePromptIds(Decoder d, int contexts) {
        int[] before = randomIds(d, TEXT_BEFORE + 1, 1);
        int[] after = randomIds(d, 1 + TEXT_AFTER, 2);
        int[] ids = new int[before.length + contexts + after.length];
        System.arraycopy(before, 0, ids, 0, before.length);
        java.util.Arrays.fill(ids, before.length, before.length + contexts, contextId(d));
        System.arraycopy(after, 0, ids, before.length + contexts, after.length);
        return ids;
    }

    /** pp random ids in one prefill (the Session batches them by its prefill chunk). */
    private void prefill(MultimodalModel m, Config c, Sample s) {
        int[] ids = randomIds(m.decoder(), plan.prompt(), 3);
        Session session = m.newSession(ids.length, c.kv());
        long t0 = System.nanoTime();
        float[] logits = session.prefill(ids);
        long t1 = System.nanoTime();
        check(logits);
        s.kvBytes = Math.max(s.kvBytes, session.kvCacheBytes());
        s.prefillTps = ids.length / ((t1 - t0) / 1e9);
    }

    /** tg greedy single-token steps after a short (untimed) prompt. */
    private void decode(MultimodalModel m, Config c, Sample s) {
        int tg = plan.generate();
        Session session = m.newSession(DECODE_PROMPT + tg, c.kv());
        float[] logits = session.prefill(randomIds(m.decoder(), DECODE_PROMPT, 4));
        int vocab = m.decoder().vocabSize();
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
            ids[i] = rnd.nextInt(d.vocabSize() - 1); // never contextId
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
        // Each cycle's model (and its pool) is closed at the end of the cycle.
    }
}
