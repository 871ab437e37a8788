package org.visionpangu4j.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.visionpangu4j.kernels.Simd;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Prints results: a llama-bench-style markdown table (environment lines, then one row per configuration as it
 * finishes) or one JSON object per configuration per line.
 */
public final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double GIB = 1024.0 * 1024 * 1024;

    /** Where the numbers come from: JDK, JVM flags, CPU, cores, vector width. */
    public record Environment(String jdk, List<String> jvmFlags, String cpu, int cores, String vector) {
        public static Environment current() {
            String jdk = Runtime.version() + " (" + System.getProperty("java.vm.name", "?") + ", "
                    + System.getProperty("java.vendor", "?") + ")";
            return new Environment(jdk, ManagementFactory.getRuntimeMXBean().getInputArguments(), cpuModel(),
                    Runtime.getRuntime().availableProcessors(), Simd.describe());
        }

        /**
         * The 1-minute load average (/proc/loadavg), NaN where unknown. Other processes competing for the cores
         * slow the synchronous parallel kernels far more than proportionally, so results carry it.
         */
        public static double loadAverage() {
            try {
                return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        /** The first "model name" of /proc/cpuinfo; the architecture where there is none. */
        static String cpuModel() {
            try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .findFirst().orElse(System.getProperty("os.arch"));
            } catch (IOException | RuntimeException e) {
                return System.getProperty("os.arch");
            }
        }
    }

    private final PrintWriter out;
    private final BenchPlan plan;
    private final Environment env;
    private final boolean peakRss;

    /** {@code peakRss}: whether RSS figures are per-run peaks (else RSS at the end of each run). */
    public BenchReport(PrintWriter out, BenchPlan plan, Environment env, boolean peakRss) {
        this.out = out;
        this.plan = plan;
        this.env = env;
        this.peakRss = peakRss;
    }

    // ---- markdown ---------------------------------------------------------------------------------------------

    /** Column widths; the first two columns are text (left-aligned), the rest numbers (right-aligned). */
    private static final int[] WIDTH = {9, 4, 7, 5, 12, 11, 12, 10, 13, 13, 13, 13};

    private static String row(String... cells) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            String f = i < 2 ? "%-" + WIDTH[i] + "s" : "%" + WIDTH[i] + "s";
            b.append(' ').append(String.format(Locale.ROOT, f, cells[i])).append(" |");
        }
        return b.toString();
    }

    /** Markdown's header separator, numbers marked right-aligned. */
    private static String separator() {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < WIDTH.length; i++) {
            b.append(i < 2 ? "-".repeat(WIDTH[i] + 2) : "-".repeat(WIDTH[i] + 1) + ":").append('|');
        }
        return b.toString();
    }

    public void tableHeader(String modelLine) {
        out.println("VisionPangu4J bench: " + modelLine);
        out.println("JDK " + env.jdk());
        out.println("JVM flags: " + (env.jvmFlags().isEmpty() ? "(none)" : String.join(" ", env.jvmFlags())));
        out.printf(Locale.ROOT, "CPU: %s, %d cores, vectors %s; load average (1 min) at start %.2f%n", env.cpu(),
                env.cores(), env.vector(), Environment.loadAverage());
        out.printf(Locale.ROOT, "residency %s; mean ± sd over %d run%s after 1 warm-up; RSS = %s%n",
                plan.residency().name().toLowerCase(Locale.ROOT), plan.repeat(), plan.repeat() == 1 ? "" : "s",
                peakRss ? "peak of each run (VmHWM, reset per run via /proc/self/clear_refs)"
                        : "resident at the end of each run (VmRSS; the peak could not be reset here)");
        out.println();
        out.println(row("weights", "kv", "threads", "tiles", "load s", "weights GiB",
                (peakRss ? "peak" : "end") + " RSS GiB", "RSS/(W+KV)", "vision s/tile", "img→1st tok s",
                "pp" + plan.prompt() + " t/s", "tg" + plan.generate() + " t/s"));
        out.println(separator());
        out.flush();
    }

    public void tableRow(BenchResult r) {
        BenchPlan.Config c = r.config();
        out.println(row(c.weights().label(), c.kv().name().toLowerCase(Locale.ROOT),
                Integer.toString(c.threads()), c.tiles() > 0 ? Integer.toString(c.tiles()) : "–", pm(r.loadSeconds(), 1, 2),
                String.format(Locale.ROOT, "%.2f", r.weightBytes() / GIB), pm(r.rssBytes(), GIB, 2),
                String.format(Locale.ROOT, "%.2f", r.rssRatio()), pm(r.visionSecondsPerTile(), 1, 2),
                pm(r.imageFirstTokenSeconds(), 1, 2), pm(r.prefillTokensPerSecond(), 1, 1),
                pm(r.decodeTokensPerSecond(), 1, 2)));
        out.flush();
    }

    private static String pm(Stats s, double unit, int decimals) {
        if (!s.measured()) {
            return "–";
        }
        String f = "%." + decimals + "f ± %." + decimals + "f";
        return String.format(Locale.ROOT, f, s.mean() / unit, s.sd() / unit);
    }

    // ---- JSON -------------------------------------------------------------------------------------------------

    /** One configuration as a JSON object: metrics as means with {@code _sd} siblings (null when skipped). */
    public ObjectNode json(BenchResult r) {
        BenchPlan.Config c = r.config();
        ObjectNode o = JSON.createObjectNode();
        o.put("weights", c.weights().label());
        o.put("kv", c.kv().name().toLowerCase(Locale.ROOT));
        o.put("threads", c.threads());
        if (c.tiles() > 0) {
            o.put("tiles", c.tiles());
        } else {
            o.putNull("tiles");
        }
        o.put("pp", plan.prompt());
        o.put("tg", plan.generate());
        o.put("repeat", plan.repeat());
        o.put("residency", plan.residency().name().toLowerCase(Locale.ROOT));
        metric(o, "load_s", r.loadSeconds());
        metric(o, "peak_rss_bytes", r.rssBytes());
        o.put("rss_is_peak", peakRss);
        metric(o, "rss_before_load_bytes", r.baseRssBytes());
        o.put("weights_bytes", r.weightBytes());
        o.put("kv_bytes", r.kvBytes());
        o.put("rss_ratio", r.rssRatio());
        metric(o, "vision_s_per_tile", r.visionSecondsPerTile());
        metric(o, "image_first_token_s", r.imageFirstTokenSeconds());
        metric(o, "prefill_tps", r.prefillTokensPerSecond());
        metric(o, "decode_tps", r.decodeTokensPerSecond());
        putNumber(o, "load_avg_start", r.loadAverageStart());
        putNumber(o, "load_avg_end", r.loadAverageEnd());
        o.put("jdk", env.jdk());
        o.put("jvm_flags", String.join(" ", env.jvmFlags()));
        o.put("cpu", env.cpu());
        o.put("cores", env.cores());
        o.put("vector", env.vector());
        return o;
    }

    public void jsonLine(BenchResult r) {
        out.println(json(r).toString());
        out.flush();
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static void metric(ObjectNode o, String key, Stats s) {
        if (s.measured() && key.endsWith("_bytes")) {
            o.put(key, Math.round(s.mean()));
            o.put(key + "_sd", Math.round(s.sd()));
        } else if (s.measured()) {
            o.put(key, s.mean());
            o.put(key + "_sd", s.sd());
        } else {
            o.putNull(key);
            o.putNull(key + "_sd");
        }
    }
}
