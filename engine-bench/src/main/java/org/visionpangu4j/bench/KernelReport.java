package org.visionpangu4j.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.visionpangu4j.kernels.Simd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the probes, the GEMV and GEMM benchmarks, and the probes again, then prints markdown tables with each kernel
 * result as a fraction of this machine's probes (bandwidth at the same thread count, FMA peak at the same thread
 * count; the better of the two probe runs). Extra arguments are JMH's own (e.g. {@code -p format=Q8_0,Q4_0
 * -p threads=2}); with {@code -i}/{@code -wi} and such they apply to every benchmark, with an include pattern only
 * that pattern runs.
 */
public final class KernelReport {
    private KernelReport() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cmd = new CommandLineOptions(args);
        if (!cmd.getIncludes().isEmpty()) {
            print(new Runner(new OptionsBuilder().parent(cmd).build()).run());
            return;
        }
        // Probes before and after the kernels: on a shared machine the limits move, and a kernel is compared with
        // the better of the two (what the machine can do), never with a depressed probe.
        List<RunResult> all = new ArrayList<>(run(cmd, "ProbeBench"));
        all.addAll(run(cmd, "GemvBench|GemmBench"));
        all.addAll(run(cmd, "ProbeBench"));
        print(all);
    }

    private static Collection<RunResult> run(CommandLineOptions cmd, String benchmarks) throws RunnerException {
        Options opt = new OptionsBuilder().parent(cmd).include("org\\.visionpangu4j\\.bench\\.(" + benchmarks + ")\\.").build();
        return new Runner(opt).run();
    }

    private static double aux(RunResult r, String name) {
        Result<?> res = r.getSecondaryResults().get(name);
        return res == null ? Double.NaN : res.getScore();
    }

    private static String bench(RunResult r) {
        String full = r.getParams().getBenchmark();
        return full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1);
    }

    static void print(Collection<RunResult> results) {
        Map<Integer, Double> bandwidth = new HashMap<>();
        Map<Integer, Double> peak = new HashMap<>();
        List<RunResult> gemv = new ArrayList<>();
        List<RunResult> gemm = new ArrayList<>();
        for (RunResult r : results) {
            String name = bench(r);
            int threads = Integer.parseInt(r.getParams().getParam("threads"));
            switch (name) {
                case "ProbeBench.memoryBandwidth" -> bandwidth.merge(threads, aux(r, "bytes") / 1e9, Math::max);
                case "ProbeBench.fmaPeak" -> peak.merge(threads, aux(r, "flops") / 1e9, Math::max);
                case "GemvBench.gemv" -> gemv.add(r);
                case "GemmBench.gemm" -> gemm.add(r);
                default -> { }
            }
        }
        System.out.println();
        System.out.println("Vector width: " + Simd.describe() + ", JDK " + Runtime.version());
        System.out.println();
        System.out.println("| probe | threads | result |");
        System.out.println("|---|---|---|");
        new TreeMap<>(bandwidth).forEach((t, v) -> System.out.printf("| memory bandwidth (1 GiB sum) | %d | %.1f GB/s |%n", t, v));
        new TreeMap<>(peak).forEach((t, v) -> System.out.printf("| FP32 FMA peak | %d | %.0f GFLOP/s |%n", t, v));
        if (!gemv.isEmpty()) {
            System.out.println();
            System.out.println("| GEMV rows×cols | format | threads | weight GB/s | % of bandwidth probe | µs/call |");
            System.out.println("|---|---|---|---|---|---|");
            for (RunResult r : gemv) {
                int t = Integer.parseInt(r.getParams().getParam("threads"));
                double gbs = aux(r, "bytes") / 1e9;
                Double bw = bandwidth.get(t);
                System.out.printf("| %s | %s | %d | %.1f | %s | %.0f |%n", r.getParams().getParam("shape"),
                        r.getParams().getParam("format"), t, gbs, bw == null ? "–" : String.format("%.0f%%", 100 * gbs / bw),
                        1e6 / r.getPrimaryResult().getScore());
            }
        }
        if (!gemm.isEmpty()) {
            System.out.println();
            System.out.println("| GEMM m×n×d | format | threads | GFLOP/s | % of FMA probe | ms/call |");
            System.out.println("|---|---|---|---|---|---|");
            for (RunResult r : gemm) {
                int t = Integer.parseInt(r.getParams().getParam("threads"));
                double gf = aux(r, "flops") / 1e9;
                Double pk = peak.get(t);
                System.out.printf("| %s | %s | %d | %.0f | %s | %.1f |%n", r.getParams().getParam("shape"),
                        r.getParams().getParam("format"), t, gf, pk == null ? "–" : String.format("%.0f%%", 100 * gf / pk),
                        1e3 / r.getPrimaryResult().getScore());
            }
        }
    }
}
