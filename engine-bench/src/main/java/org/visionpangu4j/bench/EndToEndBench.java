package org.visionpangu4j.bench;

import org.visionpangu4j.cli.Main;

import java.io.PrintWriter;

/**
 * The end-to-end benchmark at the real VisionPangu shape: exactly {@code visionpangu bench} (same options, same
 * harness, {@code org.visionpangu4j.cli.bench.BenchHarness}), for running from engine-bench's classpath.
 *
 * <pre>
 * EndToEndBench [--model DIR] [--weights as-stored,q8_0,q4_0] [--kv f32,int8] [--threads 1,2] [-p 512] [-n 128]
 *               [--tiles 1,7] [--repeat N] [--residency preload|mapped|anonymous] [--skip vision,prefill,decode]
 *               [--json]
 * </pre>
 */
public final class EndToEndBench {
    private EndToEndBench() {
    }

    public static void main(String[] args) {
        String[] command = new String[args.length + 1];
        command[0] = "bench";
        System.arraycopy(args, 0, command, 1, args.length);
        System.exit(Main.run(command, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }
}
