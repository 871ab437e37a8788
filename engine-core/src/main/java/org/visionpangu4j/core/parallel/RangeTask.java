package org.visionpangu4j.core.parallel;

/** A piece of work over the half-open index range [start, end), run by one worker. */
@FunctionalInterface
public interface RangeTask {
    void run(int start, int end);
}
