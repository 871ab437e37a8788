package org.visionpangu4j.cli;

import org.visionpangu4j.core.config.ConfigParser;
import org.visionpangu4j.core.config.LlmConfig;
import org.visionpangu4j.core.config.ModelConfig;
import org.visionpangu4j.core.config.VisionConfig;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.CheckpointLayout;
import org.visionpangu4j.core.safetensors.CheckpointLayout.Component;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code visionpangu info --model DIR}: what a model directory holds, from its config and tensor headers. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a model directory: layout, dimensions, dtypes, parameter counts.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
            description = "Model directory (config.json + model.safetensors or a sharded index).")
    Path model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isDirectory(model)) {
            throw new org.visionpangu4j.core.ModelFormatException(model + (Files.exists(model)
                    ? ": not a directory (--model takes the model directory)" : ": no such directory"));
        }
        ModelConfig cfg = ConfigParser.parse(model);
        PrintWriter out = spec.commandLine().getOut();
        try (Checkpoint ckpt = Checkpoint.open(model)) {
            CheckpointLayout layout = CheckpointLayout.detect(ckpt);
            row(out, "model", model.toAbsolutePath().normalize().toString());
            row(out, "layout", layout.displayName() + (layout == CheckpointLayout.INTERNVL_NATIVE ? ""
                    : " (recognised, not supported by the engine yet)"));
            printTensors(out, ckpt);
            printConfig(out, cfg);
            printParameters(out, ckpt, layout);
        }
        out.flush();
        return 0;
    }

    private static void printTensors(PrintWriter out, Checkpoint ckpt) {
        Map<DType, Integer> dtypes = new TreeMap<>();
        long bytes = 0;
        for (Tensor t : ckpt.tensors().values()) {
            dtypes.merge(t.dtype(), 1, Integer::sum);
            bytes += t.data().byteSize();
        }
        StringBuilder d = new StringBuilder();
        dtypes.forEach((k, v) -> d.append(d.isEmpty() ? "" : ", ").append(k).append(" ×").append(v));
        boolean sharded = Files.isRegularFile(ckpt.directory().resolve(Checkpoint.INDEX));
        row(out, "weights", ckpt.names().size() + " tensors, " + mib(bytes) + " in "
                + (sharded ? "shards listed by " + Checkpoint.INDEX : Checkpoint.SINGLE));
        row(out, "dtypes", d.toString());
    }

    private static void printConfig(PrintWriter out, ModelConfig cfg) {
        VisionConfig v = cfg.vision();
        row(out, "vision", String.format(Locale.ROOT,
                "%d layers, hidden %d, %d heads (head dim %d), MLP %d %s, %s eps %s, qkv bias %s, qk norm %s",
                v.numLayers(), v.hiddenSize(), v.numHeads(), v.headDim(), v.intermediateSize(), v.hiddenAct(),
                v.normType(), num(v.layerNormEps()), yes(v.qkvBias()), yes(v.qkNormalization())));
        int grid = cfg.forceImageSize() / v.patchSize();
        row(out, "tiles", String.format(Locale.ROOT,
                "%d×%d px, patch %d (%d×%d patches), %s tiles %d..%d, thumbnail %s",
                cfg.forceImageSize(), cfg.forceImageSize(), v.patchSize(), grid, grid,
                cfg.dynamicImageSize() ? "dynamic" : "fixed", cfg.minDynamicPatch(), cfg.maxDynamicPatch(),
                yes(cfg.useThumbnail())));
        row(out, "projector", String.format(Locale.ROOT,
                "select_layer %d, pixel shuffle ×%s (ps %s) → %d tokens per tile",
                cfg.selectLayer(), num(cfg.downsampleRatio()), cfg.psVersion(), cfg.tokensPerTile()));
        LlmConfig l = cfg.llm();
        row(out, "llm", String.format(Locale.ROOT,
                "%d layers, hidden %d, %d query / %d kv heads (head dim %d), FFN %d, vocab %d",
                l.numLayers(), l.hiddenSize(), l.numHeads(), l.numKvHeads(), l.headDim(), l.intermediateSize(),
                l.vocabSize()));
        row(out, "", String.format(Locale.ROOT,
                "rope θ %s, rms eps %s, attention bias %s, tied embeddings %s, max positions %d",
                num(l.ropeTheta()), num(l.rmsNormEps()), yes(l.attentionBias()), yes(l.tieWordEmbeddings()),
                l.maxPositionEmbeddings()));
        row(out, "token ids", String.format(Locale.ROOT, "bos %d, eos %d, pad %d (config.json), template %s",
                l.bosTokenId(), l.eosTokenId(), l.padTokenId(), cfg.template()));
    }

    private static void printParameters(PrintWriter out, Checkpoint ckpt, CheckpointLayout layout) {
        Map<Component, Long> counts = new EnumMap<>(Component.class);
        long total = 0;
        for (Tensor t : ckpt.tensors().values()) {
            counts.merge(layout.component(t.name()), t.numel(), Long::sum);
            total += t.numel();
        }
        StringBuilder s = new StringBuilder();
        for (Component c : Component.values()) {
            long n = counts.getOrDefault(c, 0L);
            if (n > 0 || c != Component.OTHER) {
                s.append(String.format(Locale.ROOT, "%s %,d, ", c.name().toLowerCase(Locale.ROOT), n));
            }
        }
        s.append(String.format(Locale.ROOT, "total %,d", total));
        row(out, "parameters", s.toString());
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "%-11s %s%n", key, value);
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    /** Whole numbers without a fraction (rope θ 4000000, not 4000000.0), others as Java prints them. */
    private static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
