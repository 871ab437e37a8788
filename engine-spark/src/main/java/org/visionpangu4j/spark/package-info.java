/**
 * Captioning image datasets with Apache Spark: {@link org.visionpangu4j.spark.ImageCaptioner} (a Spark ML
 * {@code Transformer}) and {@link org.visionpangu4j.spark.ImageCaptions} (the same as a plain {@code Dataset}
 * function) append a caption struct ({@link org.visionpangu4j.spark.CaptionColumns}) to each image row. Each
 * executor JVM loads the model once ({@link org.visionpangu4j.spark.ExecutorEngines}) from a directory every
 * executor sees ({@link org.visionpangu4j.spark.ModelLocation}) and shares it among its tasks.
 */
package org.visionpangu4j.spark;
