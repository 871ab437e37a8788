package org.visionpangu4j.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Captioning as a plain function of a {@link Dataset}, for jobs that do not use Spark ML pipelines
 * ({@link ImageCaptioner} is the pipeline stage over the same code):
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("/data/images");
 * Dataset<Row> captioned = ImageCaptions.caption(images, "content", "caption", CaptionConfig.of("/models/visionpangu"));
 * captioned.select("path", "caption.text", "caption.error").write().parquet("/data/captions");
 * }</pre>
 *
 * Every input row comes out once, in its partition and position, with the caption struct ({@link CaptionColumns})
 * appended: an image that cannot be captioned gets an {@code error}, never a failed task or a lost row. Nothing runs
 * until an action; each action runs the captions again, so {@code persist()} a result that is used twice.
 */
public final class ImageCaptions {
    /** The default name of the caption column. */
    public static final String DEFAULT_OUTPUT_COL = "caption";

    private ImageCaptions() {
    }

    /** Captions column {@code inputCol} (binary image bytes, or string paths) into a new column {@code outputCol}. */
    public static Dataset<Row> caption(Dataset<?> images, String inputCol, String outputCol, CaptionConfig config) {
        Dataset<Row> df = images.toDF();
        StructType in = df.schema();
        StructType out = CaptionColumns.outputSchema(in, inputCol, outputCol);
        boolean bytes = CaptionColumns.imageIsBytes(in, inputCol);
        return df.mapPartitions(new CaptionPartition(config, in.fieldIndex(inputCol), bytes), Encoders.row(out));
    }

    /** {@link #caption(Dataset, String, String, CaptionConfig)} into the column {@value #DEFAULT_OUTPUT_COL}. */
    public static Dataset<Row> caption(Dataset<?> images, String inputCol, CaptionConfig config) {
        return caption(images, inputCol, DEFAULT_OUTPUT_COL, config);
    }
}
