package org.visionpangu4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.KvCacheType;
import org.visionpangu4j.WeightFormat;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings, schema checks, thread derivation and model lookup: the parts that need no running job. */
class SettingsTest {

    @Test
    void engineSettingsMapToEngineOptions() {
        EngineOptions o = EngineSettings.defaults().withWeights("Q4_0").withKvCache("int8").withMaxTiles(3)
                .withResidency("anonymous").toOptions(5);
        assertEquals(5, o.threads());
        assertEquals(WeightFormat.Q4_0, o.weights());
        assertNull(o.visionWeights());
        assertEquals(KvCacheType.INT8, o.kvCache());
        assertEquals(3, o.maxTiles());
        assertEquals(EngineOptions.Residency.ANONYMOUS, o.residency());
        assertEquals(EngineOptions.defaults().maxPixels(), o.maxPixels());
    }

    @Test
    void badSettingsFailOnTheDriver() {
        var e = assertThrows(IllegalArgumentException.class, () -> EngineSettings.defaults().withWeights("q5_k"));
        assertTrue(e.getMessage().contains("weights must be one of as-stored, q8_0, q4_0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EngineSettings.defaults().withVisionWeights("q4_0"));
        assertThrows(IllegalArgumentException.class, () -> EngineSettings.defaults().withThreads(-1));
        assertThrows(IllegalArgumentException.class, () -> EngineSettings.defaults().withMaxContext(8));
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.greedy().withSampling(0.5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.greedy().withStopStrings(List.of("")));
        assertThrows(IllegalArgumentException.class, () -> CaptionConfig.of(" "));
        var missing = assertThrows(IllegalArgumentException.class, () -> new ImageCaptioner().config());
        assertTrue(missing.getMessage().contains("modelPath is not set"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImageCaptioner().setKvCache("f16"));
    }

    @Test
    void generationSettingsDefaultToEngineCaption() {
        var o = GenerationSettings.greedy().toOptions();
        assertTrue(o.greedy());
        assertEquals(org.visionpangu4j.Engine.DEFAULT_MAX_NEW_TOKENS, o.maxNewTokens());
        assertTrue(o.seed().isEmpty());
        assertEquals(7L, GenerationSettings.greedy().withSeed(7L).toOptions().seed().getAsLong());
    }

    @Test
    void schemaChecks() {
        StructType bytes = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType);
        StructType out = CaptionColumns.outputSchema(bytes, "content", "caption");
        assertEquals(CaptionColumns.TYPE, out.apply("caption").dataType());
        assertEquals(3, out.size());
        assertEquals(out, new ImageCaptioner().setModelPath("/m").transformSchema(bytes));
        assertEquals(out.apply("caption"), CaptionColumns.outputSchema(bytes, "path", "caption").apply("caption"));

        var missing = assertThrows(IllegalArgumentException.class,
                () -> CaptionColumns.outputSchema(bytes, "image", "caption"));
        assertTrue(missing.getMessage().contains("input column 'image' not found"), missing.getMessage());
        var taken = assertThrows(IllegalArgumentException.class,
                () -> CaptionColumns.outputSchema(bytes, "content", "path"));
        assertTrue(taken.getMessage().contains("output column 'path' already exists"), taken.getMessage());
        StructType ints = new StructType().add("n", DataTypes.IntegerType);
        var wrong = assertThrows(IllegalArgumentException.class, () -> CaptionColumns.outputSchema(ints, "n", "c"));
        assertTrue(wrong.getMessage().contains("must hold encoded image bytes"), wrong.getMessage());
    }

    @Test
    void threadsFromTheExecutorsCores() {
        assertEquals(3, ExecutorThreads.resolve(3));
        assertEquals(4, ExecutorThreads.fromConf(new SparkConf(false).set("spark.executor.cores", "4"), 16));
        assertEquals(16, ExecutorThreads.fromConf(new SparkConf(false).set("spark.executor.cores", "32"), 16));
        assertEquals(2, ExecutorThreads.fromConf(new SparkConf(false).setMaster("local[2]"), 16));
        assertEquals(3, ExecutorThreads.fromConf(new SparkConf(false).setMaster("local[3, 4]"), 16));
        assertEquals(16, ExecutorThreads.fromConf(new SparkConf(false).setMaster("local[*]"), 16));
        assertEquals(1, ExecutorThreads.fromConf(new SparkConf(false).setMaster("local"), 16));
        assertEquals(16, ExecutorThreads.fromConf(new SparkConf(false).setMaster("spark://host:7077"), 16));
    }

    @Test
    void modelLocation() {
        Path model = LocalSpark.model();
        assertEquals(model.toAbsolutePath().normalize(), ModelLocation.resolve(model.toString()));
        assertEquals(model.toAbsolutePath().normalize(), ModelLocation.resolve(model.toUri().toString()));
        var remote = assertThrows(IllegalArgumentException.class, () -> ModelLocation.resolve("hdfs://nn/models/vp"));
        assertTrue(remote.getMessage().contains("remote file system (hdfs)"), remote.getMessage());
        var absent = assertThrows(IllegalArgumentException.class, () -> ModelLocation.resolve("/no/such/model"));
        assertTrue(absent.getMessage().contains("not found on this executor"), absent.getMessage());
    }

    @Test
    void pathValues() {
        assertEquals(Path.of("/data/a.jpg"), CaptionPartition.localPath("/data/a.jpg"));
        assertEquals(Path.of("/data/a b.jpg"), CaptionPartition.localPath("file:/data/a%20b.jpg"));
        assertEquals(Path.of("/data/a b.jpg"), CaptionPartition.localPath("file:/data/a b.jpg"));
        assertEquals(Path.of("/data/a b.jpg"), CaptionPartition.localPath("file:///data/a b.jpg"));
        var remote = assertThrows(IllegalArgumentException.class, () -> CaptionPartition.localPath("s3a://b/a.jpg"));
        assertTrue(remote.getMessage().contains("binaryFile"), remote.getMessage());
    }
}
