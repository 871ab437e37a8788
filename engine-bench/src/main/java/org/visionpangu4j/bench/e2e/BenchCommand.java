package org.visionpangu4j.bench.e2e;

import org.visionpangu4j.bench.e2e.BenchHarness;
import org.visionpangu4j.bench.e2e.BenchPlan;
import org.visionpangu4j.bench.e2e.BenchReport;
import org.visionpangu4j.bench.e2e.RandomCheckpoint;
import org.visionpangu4j.core.safetensors.Checkpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code visionpangu bench}: speed and memory over a grid of configurations (the harness is
 * {@link BenchHarness}; engine-bench's EndToEndBench runs this same command). Without {@code --model} it uses the
 * random-weight checkpoint of the real VisionPangu shape, written once to a cache directory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark load time, peak memory, vision, image → first token, prefill and decode speed.",
                "Comma lists make a grid: one configuration per combination of weights × kv × threads × tiles.",
                "Each metric is the mean ± sd over --repeat runs after one warm-up run."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "DIR", description = "Model directory (default: the random "
            + "VisionPangu-shaped checkpoint in .bench-cache/, written on first use). No tokenizer needed.")
    Path model;

    @Option(names = "--weights", paramLabel = "LIST", defaultValue = "as-stored",
            description = "Decoder weights: as-stored, q8_0, q4_0 (also bf16, f16, f32). Default: ${DEFAULT-VALUE}.")
    String weights;

    @Option(names = "--kv", paramLabel = "LIST", defaultValue = "f32",
            description = "KV cache types: f32, int8. Default: ${DEFAULT-VALUE}.")
    String kv;

    @Option(names = {"-t", "--threads"}, paramLabel = "LIST",
            description = "Worker thread counts, e.g. 1,2. Default: all cores.")
    String threads;

    @Option(names = {"-p", "--prompt-tokens"}, paramLabel = "N", defaultValue = "512",
            description = "Prefill test: tokens of one prompt (pp). Default: ${DEFAULT-VALUE}.")
    int prompt;

    @Option(names = {"-n", "--gen-tokens"}, paramLabel = "N", defaultValue = "128",
            description = "Decode test: tokens generated one at a time after a short prompt (tg). Default: ${DEFAULT-VALUE}.")
    int generate;

    @Option(names = "--tiles", paramLabel = "LIST", defaultValue = "1",
            description = "Image tiles for vision and image → first token, e.g. 1,7. Default: ${DEFAULT-VALUE}.")
    String tiles;

    @Option(names = {"-r", "--repeat"}, paramLabel = "N", defaultValue = "3",
            description = "Measured runs per configuration. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--residency", paramLabel = "MODE", defaultValue = "preload",
            description = "preload (mapped and read in at load), mapped (fault in on use) or anonymous (copied "
                    + "off-heap). Default: ${DEFAULT-VALUE}.")
    String residency;

    @Option(names = "--skip", paramLabel = "LIST", description = "Phases not to measure: vision (with image → "
            + "first token), prefill, decode.")
    String skip;

    @Option(names = "--json", description = "One JSON object per configuration and line instead of the table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Arguments are checked before the (possibly minute-long) writing of the default checkpoint.
        BenchPlan parsed = usage(() -> plan(model == null ? null : requireDirectory(model)));
        BenchPlan p = model == null ? parsed.withModel(defaultModel(err)) : parsed;
        try (BenchHarness harness = usage(() -> new BenchHarness(p, m -> {
            err.println("visionpangu: bench: " + m);
            err.flush();
        }))) {
            BenchReport report = new BenchReport(out, p, BenchReport.Environment.current(),
                    harness.memory().peakResettable());
            if (!json) {
                report.tableHeader(describeModel(p.model()));
            }
            harness.run(json ? report::jsonLine : report::tableRow);
        }
        return 0;
    }

    private static Path requireDirectory(Path model) {
        if (!Files.isDirectory(model)) {
            throw new org.visionpangu4j.core.VisionPanguException(model + (Files.exists(model)
                    ? ": not a directory (--model takes the model directory)" : ": no such model directory"));
        }
        return model;
    }

    /** Registers {@code bench} with the {@code visionpangu} command (see the service file). */
    public static final class Provider implements org.visionpangu4j.cli.CommandProvider {
        @Override
        public Object command() {
            return new BenchCommand();
        }
    }

    private BenchPlan plan(Path dir) {
        String threadList = threads != null ? threads : Integer.toString(Runtime.getRuntime().availableProcessors());
        Set<BenchPlan.Phase> skipped = skip == null || skip.isBlank() ? Set.of()
                : Set.copyOf(BenchPlan.list("--skip", skip, BenchPlan.Phase::parse));
        return new BenchPlan(dir,
                BenchPlan.list("--weights", weights, BenchPlan.Weights::parse),
                BenchPlan.list("--kv", kv, BenchPlan::kvType),
                BenchPlan.list("--threads", threadList, BenchPlan::integer),
                BenchPlan.list("--tiles", tiles, BenchPlan::integer),
                prompt, generate, repeat, BenchPlan.residency(residency), skipped);
    }

    /** Argument problems exit as usage errors (code 2) with picocli's one-line message. */
    private <T> T usage(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The random real-shape checkpoint, written on first use (about a minute, 3.4 GB) with a note on stderr. */
    private static Path defaultModel(PrintWriter err) {
        Path dir = RandomCheckpoint.defaultDirectory();
        RandomCheckpoint.Shape shape = RandomCheckpoint.Shape.visionPangu();
        if (!Files.isRegularFile(dir.resolve(RandomCheckpoint.MARKER))) {
            long n = RandomCheckpoint.parameterCount(shape);
            err.printf(Locale.ROOT, "visionpangu: bench: no --model: writing a random VisionPangu-shaped checkpoint "
                    + "(%,d parameters, %.2f GB BF16) to %s once; this takes a minute or so...%n", n, 2.0 * n / 1e9, dir);
            err.flush();
        }
        return RandomCheckpoint.ensure(dir, shape, RandomCheckpoint.DEFAULT_SEED);
    }

    private static String describeModel(Path dir) {
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            long bytes = 0;
            for (var t : ckpt.tensors().values()) {
                bytes += t.data().byteSize();
            }
            String kind = Files.isRegularFile(dir.resolve(RandomCheckpoint.MARKER)) ? "random weights, " : "";
            List<String> dtypes = ckpt.tensors().values().stream().map(t -> t.dtype().toString()).distinct().toList();
            return String.format(Locale.ROOT, "%s (%s%,d parameters, %.2f GB stored as %s)",
                    dir.toAbsolutePath().normalize(), kind, ckpt.parameterCount(""), bytes / 1e9,
                    String.join("/", dtypes));
        }
    }
}
