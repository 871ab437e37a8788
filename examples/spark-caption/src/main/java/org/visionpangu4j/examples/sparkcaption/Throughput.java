package org.visionpangu4j.examples.sparkcaption;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.GenerationOptions;
import org.visionpangu4j.spark.ImageCaptioner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.split;

/**
 * Images per hour through Spark local mode against the Engine directly, on the same images in the same JVM: a
 * folder of {@code --copies} copies of every image under {@code --images}; the Engine reads each file and captions
 * it in a loop; Spark reads the folder with the binaryFile source and captions it with {@link ImageCaptioner}
 * (written to the noop sink, so every caption is computed and none is stored). Both use the same kernel threads.
 * One warm-up pass each (the model load and the JIT are not timed), then {@code --rounds} alternating timed passes.
 * Spark's captions are checked against the Engine's.
 */
public final class Throughput {
    static final Set<String> OPTIONS = Set.of("--model", "--images", "--copies", "--max-new-tokens", "--prompt",
            "--master", "--task-cpus", "--threads", "--rounds");

    /** Best and all timed passes, in seconds. */
    record Result(int images, int threads, List<Double> engineSeconds, List<Double> sparkSeconds) {
        double bestEngine() {
            return engineSeconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }

        double bestSpark() {
            return sparkSeconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }

        /** Spark's extra time over the Engine's, best pass against best pass, in percent. */
        double overheadPercent() {
            return (bestSpark() / bestEngine() - 1) * 100;
        }

        String report() {
            return String.format(Locale.ROOT, """
                    images %d, kernel threads %d
                    engine directly: %s s → %.0f images/hour (best)
                    spark local:     %s s → %.0f images/hour (best)
                    spark overhead: %+.1f%% (%+.1f ms per image)""",
                    images, threads, seconds(engineSeconds), images * 3600 / bestEngine(), seconds(sparkSeconds),
                    images * 3600 / bestSpark(), overheadPercent(), (bestSpark() - bestEngine()) * 1000 / images);
        }

        private static String seconds(List<Double> s) {
            return String.join(" ", s.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
        }
    }

    private Throughput() {
    }

    public static void main(String[] argv) throws IOException {
        JobArgs args = JobArgs.parse(argv, OPTIONS, Set.of());
        String master = args.get("--master", "local[2]");
        SparkSession spark = SparkSession.builder().appName("visionpangu spark throughput").master(master)
                .config("spark.task.cpus", args.get("--task-cpus", "1"))
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate();
        try {
            System.out.println(measure(spark, args).report());
        } finally {
            spark.stop();
        }
    }

    static Result measure(SparkSession spark, JobArgs args) throws IOException {
        Path model = Path.of(args.required("--model"));
        Path originals = Path.of(args.required("--images"));
        int copies = args.getInt("--copies", 8);
        int rounds = args.getInt("--rounds", 2);
        int threads = args.getInt("--threads", Runtime.getRuntime().availableProcessors());
        String prompt = args.get("--prompt", Engine.DEFAULT_CAPTION_PROMPT);
        GenerationOptions greedy = GenerationOptions.builder()
                .maxNewTokens(args.getInt("--max-new-tokens", 64)).build();
        Path folder = Files.createTempDirectory("vp-throughput");
        List<Path> images = copies(originals, folder, copies);

        ImageCaptioner captioner = new ImageCaptioner().setModelPath(model.toString()).setPrompt(prompt)
                .setMaxNewTokens(greedy.maxNewTokens()).setThreads(threads);
        List<Double> engineSeconds = new ArrayList<>();
        List<Double> sparkSeconds = new ArrayList<>();
        try (Engine engine = Engine.load(model, EngineOptions.builder().threads(threads).build())) {
            Map<String, String> direct = captionDirectly(engine, images, prompt, greedy);   // warm-up
            sparkPass(spark, captioner, folder);                                             // warm-up, model load
            checkSame(direct, sparkCaptions(spark, captioner, folder));
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                captionDirectly(engine, images, prompt, greedy);
                engineSeconds.add((System.nanoTime() - t0) / 1e9);
                sparkSeconds.add(sparkPass(spark, captioner, folder));
            }
        } finally {
            deleteAll(folder);
        }
        return new Result(images.size(), threads, engineSeconds, sparkSeconds);
    }

    /** The Engine alone: read each file, caption it, one after another. */
    static Map<String, String> captionDirectly(Engine engine, List<Path> images, String prompt, GenerationOptions o)
            throws IOException {
        Map<String, String> out = new HashMap<>();
        for (Path p : images) {
            Completion c = engine.caption(ImageInput.of(Files.readAllBytes(p)), prompt, o);
            out.put(p.getFileName().toString(), c.text());
        }
        return out;
    }

    /** Seconds for one Spark job that captions the folder and discards the rows. */
    static double sparkPass(SparkSession spark, ImageCaptioner captioner, Path folder) {
        long t0 = System.nanoTime();
        Dataset<Row> files = spark.read().format("binaryFile").load(folder.toString());
        captioner.transform(files).select("caption.text", "caption.error").write().format("noop")
                .mode(SaveMode.Overwrite).save();
        return (System.nanoTime() - t0) / 1e9;
    }

    static Map<String, String> sparkCaptions(SparkSession spark, ImageCaptioner captioner, Path folder) {
        Dataset<Row> files = spark.read().format("binaryFile").load(folder.toString());
        Map<String, String> out = new HashMap<>();
        for (Row r : captioner.transform(files).select(element_at(split(col("path"), "/"), -1), col("caption.text"),
                col("caption.error")).collectAsList()) {
            if (r.get(2) != null) {
                throw new IllegalStateException("spark captioning failed for " + r.getString(0) + ": " + r.get(2));
            }
            out.put(r.getString(0), r.getString(1));
        }
        return out;
    }

    static void checkSame(Map<String, String> direct, Map<String, String> spark) {
        if (!direct.equals(spark)) {
            throw new IllegalStateException("spark captions differ from the engine's: " + direct + " vs " + spark);
        }
    }

    /** {@code copies} copies of every regular file in {@code originals}, named {@code cK_name}. */
    static List<Path> copies(Path originals, Path folder, int copies) throws IOException {
        List<Path> sources;
        try (Stream<Path> s = Files.list(originals)) {
            sources = s.filter(Files::isRegularFile).sorted().toList();
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no images in " + originals);
        }
        List<Path> out = new ArrayList<>();
        for (int k = 0; k < copies; k++) {
            for (Path src : sources) {
                Path dst = folder.resolve("c" + k + "_" + src.getFileName());
                Files.copy(src, dst);
                out.add(dst);
            }
        }
        return out;
    }

    static void deleteAll(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
            Files.delete(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
