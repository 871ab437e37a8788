package org.visionpangu4j.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.visionpangu4j.Completion;

import java.util.Locale;

/**
 * The caption column: a struct per image. On success {@code error} is null and every other field is set; on a
 * failed image (corrupt, unsupported, over the pixel budget, prompt over the context) {@code error} says why and
 * every other field is null. {@code select("caption.*")} turns it into top-level columns.
 *
 * <pre>
 * text              string        the caption (Completion.text)
 * prompt_tokens     int           prompt length, image context tokens included
 * generated_tokens  int           caption length in tokens, without the stop token
 * token_ids         array&lt;int&gt;    the generated ids
 * tiles             int           image tiles encoded
 * stop_reason       string        eos, max_tokens, stop_string, context_full
 * image_ms          double        decoding and preprocessing the image
 * vision_ms         double        vision encoder and projector
 * prefill_ms        double        prompt forward pass
 * decode_ms         double        every further token
 * total_ms          double        the whole request
 * error             string        null, or the error's type and message
 * </pre>
 */
public final class CaptionColumns {
    /** The struct type of the caption column. */
    public static final StructType TYPE = new StructType(new StructField[]{
            DataTypes.createStructField("text", DataTypes.StringType, true),
            DataTypes.createStructField("prompt_tokens", DataTypes.IntegerType, true),
            DataTypes.createStructField("generated_tokens", DataTypes.IntegerType, true),
            DataTypes.createStructField("token_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), true),
            DataTypes.createStructField("tiles", DataTypes.IntegerType, true),
            DataTypes.createStructField("stop_reason", DataTypes.StringType, true),
            DataTypes.createStructField("image_ms", DataTypes.DoubleType, true),
            DataTypes.createStructField("vision_ms", DataTypes.DoubleType, true),
            DataTypes.createStructField("prefill_ms", DataTypes.DoubleType, true),
            DataTypes.createStructField("decode_ms", DataTypes.DoubleType, true),
            DataTypes.createStructField("total_ms", DataTypes.DoubleType, true),
            DataTypes.createStructField("error", DataTypes.StringType, true)});

    private CaptionColumns() {
    }

    /** {@code input} with the caption column {@code outputCol} appended; checks {@code inputCol} is bytes or a path. */
    public static StructType outputSchema(StructType input, String inputCol, String outputCol) {
        imageIsBytes(input, inputCol);
        if (input.getFieldIndex(outputCol).isDefined()) {
            throw new IllegalArgumentException("output column '" + outputCol + "' already exists in " + input.simpleString());
        }
        return input.add(DataTypes.createStructField(outputCol, TYPE, false));
    }

    /** True when {@code inputCol} holds encoded image bytes, false when it holds paths; else a clear error. */
    static boolean imageIsBytes(StructType input, String inputCol) {
        if (input.getFieldIndex(inputCol).isEmpty()) {
            throw new IllegalArgumentException("input column '" + inputCol + "' not found in " + input.simpleString());
        }
        var type = input.apply(inputCol).dataType();
        if (type.equals(DataTypes.BinaryType)) {
            return true;
        }
        if (type.equals(DataTypes.StringType)) {
            return false;
        }
        throw new IllegalArgumentException("input column '" + inputCol + "' must hold encoded image bytes (binary, "
                + "as the binaryFile source's 'content') or file paths (string), but is " + type.simpleString());
    }

    static Row success(Completion c) {
        Completion.Timings t = c.timings();
        int tiles = 0;
        for (int n : c.tiles()) {
            tiles += n;
        }
        int[] ids = c.tokenIds();
        Integer[] boxed = new Integer[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        return RowFactory.create(c.text(), c.promptTokenIds().length, ids.length, boxed, tiles,
                c.stopReason().name().toLowerCase(Locale.ROOT), t.imageMillis(), t.visionMillis(), t.prefillMillis(),
                t.decodeMillis(), t.totalMillis(), null);
    }

    static Row failure(String error) {
        return RowFactory.create(null, null, null, null, null, null, null, null, null, null, null, error);
    }
}
