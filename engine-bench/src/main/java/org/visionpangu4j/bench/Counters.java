package org.visionpangu4j.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Work done per benchmark call, reported by JMH as a rate next to the score: {@code bytes} in bytes/s (weight
 * bytes streamed), {@code flops} in FLOP/s. Divide by 1e9 for GB/s and GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Counters {
    public long bytes;
    public long flops;

    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
        flops = 0;
    }
}
