package org.visionpangu4j.spark;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.GenerationOptions;

import java.nio.file.Path;
import java.util.Iterator;

/**
 * Captions one partition: each input row, in order, becomes the same row with the caption struct appended. Rows
 * are captioned one at a time as Spark pulls them (a partition is never held in memory). The engine comes from
 * {@link ExecutorEngines} on the first row; a failure to load it fails the task (the model or settings are wrong
 * for every row), while a failure of one image becomes that row's {@code error}.
 */
final class CaptionPartition implements MapPartitionsFunction<Row, Row> {
    private final CaptionConfig config;
    private final int inputIndex;
    private final boolean bytes;

    CaptionPartition(CaptionConfig config, int inputIndex, boolean bytes) {
        this.config = config;
        this.inputIndex = inputIndex;
        this.bytes = bytes;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        GenerationOptions options = config.generation().toOptions();
        return new Iterator<>() {
            private Engine engine;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row in = rows.next();
                if (engine == null) {
                    engine = ExecutorEngines.engine(config);
                }
                return appended(in, caption(engine, in.get(inputIndex), options));
            }
        };
    }

    /** The caption struct of one image value (bytes or a path); any failure of this image is its error. */
    private Row caption(Engine engine, Object value, GenerationOptions options) {
        if (value == null) {
            return CaptionColumns.failure("no image: the input column is null");
        }
        try {
            ImageInput image = bytes ? ImageInput.of((byte[]) value) : ImageInput.of(localPath((String) value));
            Completion c = engine.caption(image, config.prompt(), options);
            return CaptionColumns.success(c);
        } catch (RuntimeException e) {
            return CaptionColumns.failure(describe(e));
        }
    }

    /** A path column value as a local path (see {@link LocalPaths#parse}). */
    static Path localPath(String value) {
        return LocalPaths.parse(value, "read remote images with spark.read().format(\"binaryFile\") and caption "
                + "its content column");
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static Row appended(Row in, Row caption) {
        int n = in.length();
        Object[] values = new Object[n + 1];
        for (int i = 0; i < n; i++) {
            values[i] = in.get(i);
        }
        values[n] = caption;
        return RowFactory.create(values);
    }
}
