package org.visionpangu4j.examples.sparkcaption;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.visionpangu4j.spark.ImageCaptioner;
import org.visionpangu4j.spark.ModelLocation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.split;

/**
 * The example job: captions every image under a folder into JSON lines or Parquet, one row per file (an image that
 * cannot be captioned gets an {@code error} and no caption). With {@code spark-submit}:
 *
 * <pre>
 * spark-submit --class org.visionpangu4j.examples.sparkcaption.CaptionFolder \
 *     --executor-cores 8 --conf spark.task.cpus=8 --executor-memory 2g --conf spark.executor.memoryOverhead=4g \
 *     spark-caption.jar --model /models/visionpangu --images hdfs:///data/images --output hdfs:///data/captions \
 *     --format parquet
 * </pre>
 *
 * and locally with {@code examples/spark-caption/run}, which adds {@code --master local[*] --single-file}.
 */
public final class CaptionFolder {
    static final Set<String> OPTIONS = Set.of("--model", "--images", "--output", "--format", "--prompt",
            "--max-new-tokens", "--temperature", "--top-k", "--top-p", "--seed", "--threads", "--weights", "--kv",
            "--partitions", "--master", "--task-cpus");
    static final Set<String> SWITCHES = Set.of("--single-file", "--overwrite");
    static final String USAGE = """
            usage: CaptionFolder --model DIR --images DIR --output DIR [--overwrite] [--format json|parquet] [--single-file]
                                 [--prompt TEXT] [--max-new-tokens N] [--temperature T --top-k K --top-p P --seed S]
                                 [--threads N] [--weights as-stored|q8_0|q4_0] [--kv f32|int8] [--partitions N]
                                 [--master URL [--task-cpus N|all]]""";

    /** What a run did. */
    record Summary(long images, long errors, double seconds) {
        double imagesPerHour() {
            return images * 3600.0 / seconds;
        }
    }

    private CaptionFolder() {
    }

    public static void main(String[] argv) {
        JobArgs args;
        try {
            args = JobArgs.parse(argv, OPTIONS, SWITCHES);
            args.required("--model");
            args.required("--images");
            args.required("--output");
        } catch (IllegalArgumentException e) {
            System.err.println("spark-caption: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SparkSession.Builder b = SparkSession.builder().appName("visionpangu spark-caption");
        if (args.has("--master")) {
            b.master(args.required("--master")).config("spark.ui.showConsoleProgress", "false");
            if (args.has("--task-cpus")) {
                // "all": one task at a time with the engine on every core (what run uses; see engine-spark/README.md).
                String n = args.required("--task-cpus");
                b.config("spark.task.cpus", n.equals("all") ? String.valueOf(Runtime.getRuntime().availableProcessors()) : n);
            }
        }
        SparkSession spark = b.getOrCreate();
        int status = 0;
        try {
            Summary s = run(spark, args);
            System.err.printf(Locale.ROOT, "spark-caption: %d images (%d errors) in %.1f s, %.0f images/hour → %s%n",
                    s.images(), s.errors(), s.seconds(), s.imagesPerHour(), args.required("--output"));
        } catch (Exception e) {
            // One line, like the visionpangu command; SPARK_CAPTION_VERBOSE=1 adds the stack trace.
            System.err.println("spark-caption: error: " + rootMessage(e));
            if (System.getenv("SPARK_CAPTION_VERBOSE") != null) {
                e.printStackTrace();
            }
            status = 1;
        } finally {
            spark.stop();
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    /** The innermost cause's message: Spark wraps a task's failure in a job failure several times over. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The captioner these arguments ask for: greedy like {@code Engine.caption} unless a temperature is given. */
    static ImageCaptioner captioner(JobArgs args) {
        ImageCaptioner c = new ImageCaptioner()
                .setInputCol("content")
                .setModelPath(args.required("--model"))
                .setPrompt(args.get("--prompt", org.visionpangu4j.Engine.DEFAULT_CAPTION_PROMPT))
                .setMaxNewTokens(args.getInt("--max-new-tokens", org.visionpangu4j.Engine.DEFAULT_MAX_NEW_TOKENS))
                .setTemperature(args.getDouble("--temperature", 0))
                .setTopK(args.getInt("--top-k", 0))
                .setTopP(args.getDouble("--top-p", 1))
                .setThreads(args.getInt("--threads", 0))
                .setWeights(args.get("--weights", "as-stored"))
                .setKvCache(args.get("--kv", "f32"));
        if (args.has("--seed")) {
            c.setSeed(Long.parseLong(args.required("--seed")));
        }
        return c;
    }

    /** Reads the images as bytes, captions them, writes the rows, and counts what was written. */
    static Summary run(SparkSession spark, JobArgs args) {
        String output = args.required("--output");
        String format = args.get("--format", "json").toLowerCase(Locale.ROOT);
        if (!format.equals("json") && !format.equals("parquet")) {
            throw new IllegalArgumentException("--format must be json or parquet, got '" + format + "'");
        }
        ImageCaptioner captioner = captioner(args);
        captioner.config();
        if (spark.sparkContext().isLocal()) {
            // The driver is the executor: a wrong model path fails here, before any task, with one message.
            ModelLocation.resolve(captioner.getModelPath());
        }

        long t0 = System.nanoTime();
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(args.required("--images"));
        if (args.has("--partitions")) {
            files = files.repartition(args.getInt("--partitions", 1));
        }
        Dataset<Row> rows = flat(captioner.transform(files));
        if (args.has("--single-file")) {
            // Captions are computed upstream of this one-partition shuffle, in parallel; only the write is serial.
            rows = rows.repartition(1).sortWithinPartitions("path");
        }
        rows.write().mode(args.has("--overwrite") ? SaveMode.Overwrite : SaveMode.ErrorIfExists).format(format).option("ignoreNullFields", "false").save(output);
        double seconds = (System.nanoTime() - t0) / 1e9;

        if (args.has("--single-file")) {
            SingleFile.rename(output, format.equals("json") ? "captions.jsonl" : "captions.parquet");
        }
        Dataset<Row> written = spark.read().format(format).load(output);
        return new Summary(written.count(), written.where(col("error").isNotNull()).count(), seconds);
    }

    /** One row per image: its file name and path, then the caption struct's fields, the caption text as "caption". */
    static Dataset<Row> flat(Dataset<Row> captioned) {
        List<Column> cols = List.of(
                element_at(split(col("path"), "/"), -1).as("image"),
                col("path"),
                col("caption.text").as("caption"),
                col("caption.token_ids"),
                col("caption.prompt_tokens"),
                col("caption.generated_tokens"),
                col("caption.tiles"),
                col("caption.stop_reason"),
                col("caption.image_ms"),
                col("caption.vision_ms"),
                col("caption.prefill_ms"),
                col("caption.decode_ms"),
                col("caption.total_ms"),
                col("caption.error"));
        return captioned.select(cols.toArray(Column[]::new));
    }

    /** The single part file of a local one-partition write, renamed; Spark's marker and checksum files removed. */
    static final class SingleFile {
        private SingleFile() {
        }

        static void rename(String output, String name) {
            if (output.contains("://") && !output.startsWith("file:")) {
                return;
            }
            Path dir = Path.of(output.startsWith("file:") ? java.net.URI.create(output).getPath() : output);
            try (Stream<Path> files = Files.list(dir)) {
                List<Path> all = files.toList();
                List<Path> parts = all.stream().filter(p -> p.getFileName().toString().startsWith("part-")).toList();
                if (parts.size() != 1) {
                    return;
                }
                Files.move(parts.get(0), dir.resolve(name));
                for (Path p : all) {
                    String f = p.getFileName().toString();
                    if (f.equals("_SUCCESS") || f.endsWith(".crc")) {
                        Files.delete(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
