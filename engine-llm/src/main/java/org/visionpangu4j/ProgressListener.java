package org.visionpangu4j;

/** Receives human-readable progress of long steps (loading weights, encoding tiles, prefill). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = message -> { };

    void onProgress(String message);
}
