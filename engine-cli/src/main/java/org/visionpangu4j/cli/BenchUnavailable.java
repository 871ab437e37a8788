package org.visionpangu4j.cli;

import org.visionpangu4j.core.VisionPanguException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bench} when engine-bench is not on the class path (the command line alone, as released): says where the
 * command lives instead of "unknown command".
 */
@Command(name = "bench", description = "Benchmark (needs engine-bench: run ./visionpangu bench in a source checkout).")
final class BenchUnavailable implements Callable<Integer> {
    @Parameters(arity = "0..*", hidden = true)
    List<String> ignored;

    @Override
    public Integer call() {
        throw new VisionPanguException("the bench command is part of engine-bench, which this build does not include;"
                + " run ./visionpangu bench from a source checkout of VisionPangu4J");
    }
}
