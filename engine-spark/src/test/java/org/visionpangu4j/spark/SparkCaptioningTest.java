package org.visionpangu4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.ImageInput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captioning the fixture images in a {@code local[2]} session gives exactly what the Engine gives directly, keeps
 * every row in its place, turns bad images into error rows, and loads the model once per JVM.
 */
class SparkCaptioningTest {
    static final String PROMPT = "Please describe the image in detail.";
    static final int MAX_NEW_TOKENS = 48;

    @TempDir
    static Path tmp;
    static Path images;
    static final Map<String, Completion> direct = new HashMap<>();
    static final List<String> names = new ArrayList<>();

    /** The fixture images copied beside a corrupt one; their captions from an Engine run directly. */
    @BeforeAll
    static void expected() throws IOException {
        images = Files.createDirectory(tmp.resolve("images"));
        try (Stream<Path> files = Files.list(LocalSpark.images())) {
            for (Path p : files.sorted().toList()) {
                Files.copy(p, images.resolve(p.getFileName().toString()));
                names.add(p.getFileName().toString());
            }
        }
        // A PNG cut off after its first 200 bytes: the signature and header are there, the pixels are not.
        byte[] png = Files.readAllBytes(images.resolve("alpha_badge.png"));
        Files.write(images.resolve("corrupt.png"), java.util.Arrays.copyOf(png, 200));
        // The same threads as the executor engine of local[2], so both run the same arithmetic.
        try (Engine engine = Engine.load(LocalSpark.model(), EngineOptions.builder().threads(2).build())) {
            for (String name : names) {
                direct.put(name, engine.caption(ImageInput.of(images.resolve(name)), PROMPT,
                        GenerationSettings.greedy(MAX_NEW_TOKENS).toOptions()));
            }
        }
        LocalSpark.session();
    }

    @AfterAll
    static void close() {
        ExecutorEngines.closeAll();
    }

    static CaptionConfig config() {
        return CaptionConfig.of(LocalSpark.model().toString()).withPrompt(PROMPT)
                .withGeneration(GenerationSettings.greedy(MAX_NEW_TOKENS));
    }

    static void assertSameAsEngine(String name, Row caption) {
        Completion c = direct.get(name);
        assertNull(caption.getAs("error"), name);
        assertEquals(c.text(), caption.getAs("text"), name);
        List<Integer> ids = caption.getList(caption.fieldIndex("token_ids"));
        assertArrayEquals(c.tokenIds(), ids.stream().mapToInt(Integer::intValue).toArray(), name);
        assertEquals(c.promptTokenIds().length, (int) caption.getAs("prompt_tokens"), name);
        assertEquals(c.tokenIds().length, (int) caption.getAs("generated_tokens"), name);
        assertEquals(c.stopReason().name().toLowerCase(java.util.Locale.ROOT), caption.getAs("stop_reason"), name);
        assertEquals(c.tiles()[0], (int) caption.getAs("tiles"), name);
        assertTrue((double) caption.getAs("total_ms") > 0, name);
    }

    /**
     * Paths in a fixed order over two partitions (two tasks sharing one executor JVM): every row comes back in its
     * place, captions equal the Engine's, the corrupt, missing and null images are error rows, and the model was
     * loaded exactly once for both tasks and for a second job after them.
     */
    @Test
    void pathsInTwoPartitions() {
        SparkSession spark = LocalSpark.session();
        List<String> paths = new ArrayList<>();
        for (int repeat = 0; repeat < 2; repeat++) {
            for (String name : names) {
                paths.add(images.resolve(name).toString());
            }
        }
        paths.add(3, images.resolve("corrupt.png").toString());
        paths.add(6, images.resolve("missing.jpg").toString());
        paths.add(8, null);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            rows.add(RowFactory.create(i, paths.get(i)));
        }
        StructType schema = new StructType().add("idx", DataTypes.IntegerType).add("path", DataTypes.StringType);
        Dataset<Row> in = spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2), schema);
        assertEquals(2, in.javaRDD().getNumPartitions());

        ExecutorEngines.closeAll();
        long loadsBefore = ExecutorEngines.loads();
        List<Row> out = ImageCaptions.caption(in, "path", "caption", config()).collectAsList();

        assertEquals(paths.size(), out.size());
        for (int i = 0; i < out.size(); i++) {
            Row r = out.get(i);
            assertEquals(i, r.getInt(0), "row order");
            assertEquals(paths.get(i), r.getString(1));
            Row caption = r.getStruct(2);
            if (i == 3) {
                assertError(caption, "corrupt.png");
            } else if (i == 6) {
                assertError(caption, "missing.jpg");
            } else if (i == 8) {
                assertEquals("no image: the input column is null", caption.getAs("error"));
            } else {
                assertSameAsEngine(Path.of(paths.get(i)).getFileName().toString(), caption);
            }
        }
        assertEquals(1, ExecutorEngines.loads() - loadsBefore, "model loads in this JVM");

        // A second job on the same executor reuses the engine.
        assertEquals(paths.size(), ImageCaptions.caption(in, "path", config()).count());
        assertEquals(1, ExecutorEngines.loads() - loadsBefore, "model loads in this JVM after a second job");
    }

    static void assertError(Row caption, String file) {
        String error = caption.getAs("error");
        assertNotNull(error, file + " should be an error row");
        assertTrue(error.contains(file), error);
        assertNull(caption.getAs("text"));
        assertNull(caption.getAs("token_ids"));
    }

    /** The binaryFile source's bytes: one row per file, captions equal the Engine's, the corrupt file an error row. */
    @Test
    void binaryFileSource() {
        Dataset<Row> files = LocalSpark.session().read().format("binaryFile").load(images.toString());
        Dataset<Row> out = new ImageCaptioner().setModelPath(LocalSpark.model().toString()).setPrompt(PROMPT)
                .setMaxNewTokens(MAX_NEW_TOKENS).transform(files);
        List<Row> rows = out.select("path", "length", "caption").collectAsList();
        assertEquals(names.size() + 1, rows.size());
        for (Row r : rows) {
            String name = Path.of(java.net.URI.create(r.getString(0))).getFileName().toString();
            Row caption = r.getStruct(2);
            if (name.equals("corrupt.png")) {
                String error = caption.getAs("error");
                assertNotNull(error, "corrupt.png should be an error row");
                assertNull(caption.getAs("text"));
            } else {
                assertSameAsEngine(name, caption);
            }
        }
    }

    /**
     * A model shipped with the job is found by name: an archive (what spark-submit --archives m.zip#vp does) as
     * vp/DIR, a directory added recursively (SparkContext.addFile(dir, true)) by its own name, and files added one
     * by one (what spark-submit --files does) as ".", the SparkFiles root.
     */
    @Test
    void modelShippedWithTheJob() throws IOException {
        SparkSession spark = LocalSpark.session();
        Path zip = tmp.resolve("model.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip));
             Stream<Path> files = Files.list(LocalSpark.model())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.zip.ZipEntry("packed/" + f.getFileName()));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        spark.sparkContext().addArchive(zip + "#vp");
        assertShippedModelWorks("vp/packed");
        spark.sparkContext().addFile(LocalSpark.model().toString(), true);
        assertShippedModelWorks("tiny-visionpangu");
        try (Stream<Path> files = Files.list(LocalSpark.model())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                spark.sparkContext().addFile(f.toString());
            }
        }
        assertShippedModelWorks(".");
    }

    static void assertShippedModelWorks(String modelPath) {
        CaptionConfig shipped = new CaptionConfig(modelPath, PROMPT, EngineSettings.defaults(),
                GenerationSettings.greedy(MAX_NEW_TOKENS));
        StructType schema = new StructType().add("path", DataTypes.StringType);
        List<Row> rows = List.of(RowFactory.create(images.resolve(names.get(0)).toString()));
        Row caption = ImageCaptions.caption(LocalSpark.session().createDataFrame(rows, schema), "path", shipped)
                .collectAsList().get(0).getStruct(1);
        assertSameAsEngine(names.get(0), caption);
    }
}
