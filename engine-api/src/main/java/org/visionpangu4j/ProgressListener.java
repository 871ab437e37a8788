package org.visionpangu4j;

/** Receives human-readable progress of long steps (loading weights, encoding tiles). Called on the working thread. */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores every message. */
    ProgressListener NONE = message -> { };

    /** One step has begun or finished, in words. */
    void onProgress(String message);
}
