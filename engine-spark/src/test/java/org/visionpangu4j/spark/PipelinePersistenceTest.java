package org.visionpangu4j.spark;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A pipeline holding the captioner saves and loads with every param, and the loaded one captions the same. */
class PipelinePersistenceTest {
    @TempDir
    Path tmp;

    /** ML writers and readers work through the active session. */
    @BeforeAll
    static void session() {
        LocalSpark.session();
    }

    static ImageCaptioner configured() {
        return new ImageCaptioner()
                .setInputCol("file").setOutputCol("described").setModelPath(LocalSpark.model().toString())
                .setPrompt("What is in this picture?").setMaxNewTokens(12).setTemperature(0.7).setTopK(40)
                .setTopP(0.9).setRepetitionPenalty(1.1).setSeed(42).setStopStrings("\n\n", "###")
                .setThreads(2).setWeights("q8_0").setVisionWeights("as-stored").setKvCache("int8")
                .setMaxContext(4096).setMaxTiles(2).setMaxPixels(50_000_000L).setResidency("preload");
    }

    static void assertSameParams(ImageCaptioner a, ImageCaptioner b) {
        assertEquals(a.uid(), b.uid());
        assertEquals(a.config(), b.config());
        assertEquals(a.getInputCol(), b.getInputCol());
        assertEquals(a.getOutputCol(), b.getOutputCol());
        assertArrayEquals(a.getStopStrings(), b.getStopStrings());
        assertEquals(a.getSeed(), b.getSeed());
    }

    @Test
    void captionerSavesAndLoads() throws IOException {
        ImageCaptioner c = configured();
        String path = tmp.resolve("captioner").toString();
        c.write().overwrite().save(path);
        ImageCaptioner loaded = ImageCaptioner.load(path);
        assertSameParams(c, loaded);
    }

    @Test
    void unsetSeedStaysUnset() throws IOException {
        ImageCaptioner c = new ImageCaptioner().setModelPath(LocalSpark.model().toString());
        String path = tmp.resolve("defaults").toString();
        c.save(path);
        ImageCaptioner loaded = ImageCaptioner.load(path);
        assertNull(loaded.getSeed());
        assertSameParams(c, loaded);
    }

    /** Pipeline → fit → save → PipelineModel.load: the stage comes back with its params and captions the same. */
    @Test
    void pipelineRoundTrip() throws IOException {
        var spark = LocalSpark.session();
        StructType schema = new StructType().add("file", DataTypes.StringType);
        Dataset<Row> images = spark.createDataFrame(List.of(
                RowFactory.create(LocalSpark.images().resolve("photo_board.jpg").toString()),
                RowFactory.create(LocalSpark.images().resolve("alpha_badge.png").toString())), schema);
        ImageCaptioner c = configured();
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{c});
        pipeline.write().overwrite().save(tmp.resolve("pipeline").toString());
        Pipeline reloadedPipeline = Pipeline.load(tmp.resolve("pipeline").toString());
        assertSameParams(c, (ImageCaptioner) reloadedPipeline.getStages()[0]);

        PipelineModel model = pipeline.fit(images);
        String path = tmp.resolve("model").toString();
        model.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        Transformer stage = loaded.stages()[0];
        assertInstanceOf(ImageCaptioner.class, stage);
        assertSameParams(c, (ImageCaptioner) stage);

        // Seeded sampling is reproducible, so both captioners must write the same captions.
        List<Row> before = model.transform(images).select("described.text", "described.token_ids", "described.error")
                .collectAsList();
        List<Row> after = loaded.transform(images).select("described.text", "described.token_ids", "described.error")
                .collectAsList();
        assertEquals(before, after);
        for (Row r : after) {
            assertNull(r.get(2), "no error expected");
        }
        ExecutorEngines.closeAll();
    }
}
