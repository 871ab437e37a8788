package org.visionpangu4j.spark;

import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tests' one Spark session ({@code local[2]}, quiet, no UI) and the fixture's paths. */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            try {
                Path tmp = Files.createTempDirectory("vp-spark-test");
                session = SparkSession.builder()
                        .master("local[2]")
                        .appName("engine-spark tests")
                        .config("spark.ui.enabled", "false")
                        .config("spark.ui.showConsoleProgress", "false")
                        .config("spark.sql.shuffle.partitions", "2")
                        .config("spark.sql.warehouse.dir", tmp.resolve("warehouse").toString())
                        .getOrCreate();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return session;
    }

    static Path model() {
        String root = System.getProperty("visionpangu.testdata");
        if (root == null) {
            throw new IllegalStateException("system property visionpangu.testdata is not set (the build sets it)");
        }
        Path dir = Path.of(root, "tiny-visionpangu");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixture directory " + dir + " is missing");
        }
        return dir;
    }

    static Path images() {
        return model().resolve("images");
    }
}
