package org.visionpangu4j.cli;

import org.visionpangu4j.Engine;
import org.visionpangu4j.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code visionpangu info --model DIR}: what a model directory holds, from its config and tensor headers. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a model directory: family, layout, dimensions, dtypes, parameter counts.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
            description = "Model directory (config.json + model.safetensors or a sharded index).")
    Path model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelInfo info = Engine.inspect(ModelLocator.require(model));
        PrintWriter out = spec.commandLine().getOut();
        row(out, "model", info.directory().toAbsolutePath().normalize().toString());
        row(out, "family", info.family());
        row(out, "layout", info.layout());
        StringBuilder d = new StringBuilder();
        info.dtypes().forEach((k, v) -> d.append(d.isEmpty() ? "" : ", ").append(k).append(" ×").append(v));
        row(out, "weights", info.tensors() + " tensors, " + mib(info.storedBytes()) + " in "
                + (info.sharded() ? "shards listed by model.safetensors.index.json" : "model.safetensors"));
        row(out, "dtypes", d.toString());
        ModelInfo.Vision v = info.vision();
        row(out, "vision", String.format(Locale.ROOT,
                "%d layers, hidden %d, %d heads (head dim %d), MLP %d gelu, layer_norm eps %s, qkv bias %s",
                v.layers(), v.hidden(), v.heads(), v.hidden() / v.heads(), v.mlp(), num(v.layerNormEps()),
                yes(v.qkvBias())));
        int grid = v.tileSize() / v.patchSize();
        row(out, "tiles", String.format(Locale.ROOT,
                "%d×%d px, patch %d (%d×%d patches), %s tiles %d..%d, thumbnail %s",
                v.tileSize(), v.tileSize(), v.patchSize(), grid, grid, v.dynamicTiling() ? "dynamic" : "fixed",
                v.minTiles(), v.maxTiles(), yes(v.thumbnail())));
        row(out, "projector", String.format(Locale.ROOT,
                "select_layer %d, pixel shuffle ×%s (ps %s) → %d tokens per tile",
                v.selectLayer(), num(v.downsampleRatio()), v.psVersion(), v.tokensPerTile()));
        ModelInfo.Decoder l = info.decoder();
        row(out, "llm", String.format(Locale.ROOT,
                "%d layers, hidden %d, %d query / %d kv heads (head dim %d), FFN %d, vocab %d",
                l.layers(), l.hidden(), l.heads(), l.kvHeads(), l.headDim(), l.ffn(), l.vocab()));
        row(out, "", String.format(Locale.ROOT,
                "rope θ %s, rms eps %s, bias q/k/v %s, o %s, tied embeddings %s, max positions %d",
                num(l.ropeTheta()), num(l.rmsNormEps()), yes(l.qkvBias()), yes(l.outputBias()),
                yes(l.tiedEmbeddings()), l.maxPositions()));
        row(out, "template", info.template());
        StringBuilder p = new StringBuilder();
        for (Map.Entry<String, Long> e : info.parameters().entrySet()) {
            p.append(p.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()));
        }
        row(out, "parameters", p.toString());
        out.flush();
        return 0;
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
