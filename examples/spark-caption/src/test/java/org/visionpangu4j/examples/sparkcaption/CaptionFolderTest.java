package org.visionpangu4j.examples.sparkcaption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.spark.ExecutorEngines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example job in local[2]: a folder into one JSON-lines file or Parquet, and the throughput harness. */
class CaptionFolderTest {
    @TempDir
    static Path tmp;
    static Path images;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        images = Files.createDirectory(tmp.resolve("images"));
        try (Stream<Path> s = Files.list(fixture().resolve("images"))) {
            for (Path p : s.toList()) {
                Files.copy(p, images.resolve(p.getFileName()));
            }
        }
        Files.copy(images.resolve("alpha_badge.png"), images.resolve("alpha copy.png"));
        Files.write(images.resolve("corrupt.jpg"), "not a JPEG".getBytes());
        spark = SparkSession.builder().master("local[2]").appName("spark-caption tests")
                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.warehouse.dir", tmp.resolve("warehouse").toString()).getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        ExecutorEngines.closeAll();
    }

    static Path fixture() {
        return Path.of(System.getProperty("visionpangu.testdata"), "tiny-visionpangu");
    }

    static JobArgs args(String... extra) {
        List<String> a = new ArrayList<>(List.of("--model", fixture().toString(), "--images", images.toString(),
                "--max-new-tokens", "16"));
        a.addAll(Arrays.asList(extra));
        return JobArgs.parse(a.toArray(String[]::new), CaptionFolder.OPTIONS, CaptionFolder.SWITCHES);
    }

    /** One object per image in one file, sorted by path, with the fields the run script promises. */
    @Test
    void folderToJsonLines() throws IOException {
        Path out = tmp.resolve("json");
        CaptionFolder.Summary s = CaptionFolder.run(spark, args("--output", out.toString(), "--single-file"));
        assertEquals(6, s.images());
        assertEquals(1, s.errors());

        List<String> lines = Files.readAllLines(out.resolve("captions.jsonl"));
        assertEquals(6, lines.size());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("captions.jsonl"), files.map(p -> p.getFileName().toString()).toList());
        }
        ObjectMapper json = new ObjectMapper();
        List<String> names = new ArrayList<>();
        JsonNode alpha = null;
        JsonNode alphaCopy = null;
        for (String line : lines) {
            JsonNode o = json.readTree(line);
            for (String field : List.of("image", "caption", "token_ids", "error", "stop_reason", "total_ms")) {
                assertTrue(o.has(field), field + " missing in " + line);
            }
            String name = o.get("image").asText();
            names.add(name);
            if (name.equals("corrupt.jpg")) {
                assertTrue(o.get("caption").isNull(), line);
                assertFalse(o.get("error").isNull(), line);
            } else {
                assertTrue(o.get("error").isNull(), line);
                assertTrue(o.get("token_ids").isArray() && !o.get("token_ids").isEmpty(), line);
            }
            if (name.equals("alpha_badge.png")) {
                alpha = o;
            } else if (name.equals("alpha copy.png")) {
                alphaCopy = o;
            }
        }
        assertEquals(names.stream().sorted().toList(), names, "sorted by path");
        assertNotNull(alpha);
        assertNotNull(alphaCopy, "a file name with a space: " + names);
        assertEquals(alpha.get("caption"), alphaCopy.get("caption"));
        assertEquals(alpha.get("token_ids"), alphaCopy.get("token_ids"));

        // The output directory is not replaced unless asked.
        assertThrows(Exception.class, () -> CaptionFolder.run(spark, args("--output", out.toString())));
    }

    @Test
    void folderToParquet() {
        Path out = tmp.resolve("parquet");
        CaptionFolder.Summary s = CaptionFolder.run(spark, args("--output", out.toString(), "--format", "parquet",
                "--partitions", "3"));
        assertEquals(6, s.images());
        List<Row> rows = spark.read().parquet(out.toString()).where("error is null").select("image", "caption")
                .collectAsList();
        assertEquals(5, rows.size());
        for (Row r : rows) {
            assertNotNull(r.getString(1), r.getString(0));
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> JobArgs.parse(new String[]{"--modle", "x"},
                CaptionFolder.OPTIONS, CaptionFolder.SWITCHES));
        assertThrows(IllegalArgumentException.class, () -> JobArgs.parse(new String[]{"--model"},
                CaptionFolder.OPTIONS, CaptionFolder.SWITCHES));
        assertThrows(IllegalArgumentException.class, () -> CaptionFolder.run(spark,
                args("--output", tmp.resolve("bad").toString(), "--format", "csv")));
        assertThrows(IllegalArgumentException.class, () -> CaptionFolder.run(spark,
                args("--output", tmp.resolve("bad").toString(), "--weights", "q3")));
    }

    /** The harness runs end to end (its numbers are for the README, measured under the lock; not asserted here). */
    @Test
    void throughputHarnessRuns() throws IOException {
        Path originals = Files.createDirectory(tmp.resolve("originals"));
        Files.copy(fixture().resolve("images/photo_board.jpg"), originals.resolve("photo_board.jpg"));
        Files.copy(fixture().resolve("images/portrait_scene.jpg"), originals.resolve("portrait_scene.jpg"));
        JobArgs a = JobArgs.parse(new String[]{"--model", fixture().toString(), "--images", originals.toString(),
                "--copies", "2", "--rounds", "1", "--max-new-tokens", "8", "--threads", "2"},
                Throughput.OPTIONS, Set.of());
        Throughput.Result r = Throughput.measure(spark, a);
        assertEquals(4, r.images());
        assertTrue(r.bestEngine() > 0 && r.bestSpark() > 0, r.report());
    }
}
