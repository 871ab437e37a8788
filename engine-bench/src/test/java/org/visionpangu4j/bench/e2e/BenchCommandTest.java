package org.visionpangu4j.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.cli.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code visionpangu bench} end to end on RandomCheckpoint's tiny shape (never the real one: that is minutes). */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every metric that --json reports as a mean with an _sd sibling. */
    private static final List<String> METRICS = List.of("load_s", "peak_rss_bytes", "vision_s_per_tile",
            "image_first_token_s", "prefill_tps", "decode_tps", "rss_before_load_bytes");

    record Run(int code, String out, String err) {
    }

    /** The visionpangu command in-process: bench is found through its CommandProvider. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void writeTinyCheckpoint() {
        model = RandomCheckpoint.ensure(tmp.resolve("tiny"), RandomCheckpoint.Shape.tiny(), 7);
    }

    static List<JsonNode> jsonLines(Run r) throws IOException {
        assertEquals(0, r.code(), r.err());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().strip().split("\\R")) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    static void assertFinite(JsonNode o, String key) {
        assertTrue(o.has(key), "missing " + key + " in " + o);
        assertTrue(o.get(key).isNumber(), key + " is not a number in " + o);
        assertTrue(Double.isFinite(o.get(key).asDouble()), key + " is not finite in " + o);
    }

    @Test
    void gridOfAsStoredRunsEveryPhaseWithFiniteNumbers() throws IOException {
        Run r = run("bench", "--model", model.toString(), "--kv", "f32,int8", "--threads", "1,2",
                "-p", "24", "-n", "6", "--tiles", "1,3", "--repeat", "2", "--json");
        List<JsonNode> objs = jsonLines(r);
        assertEquals(2 * 2 * 2, objs.size(), r.out());
        Set<String> combos = new HashSet<>();
        for (JsonNode o : objs) {
            for (String m : METRICS) {
                assertFinite(o, m);
                assertFinite(o, m + "_sd");
                assertTrue(o.get(m).asDouble() > 0, m + " must be positive: " + o);
                assertTrue(o.get(m + "_sd").asDouble() >= 0, m + "_sd must be ≥ 0: " + o);
            }
            for (String k : List.of("weights_bytes", "kv_bytes", "rss_ratio", "cores", "load_avg_start",
                    "load_avg_end")) {
                assertFinite(o, k);
            }
            assertEquals("as-stored", o.get("weights").asText());
            assertEquals(24, o.get("pp").asInt());
            assertEquals(6, o.get("tg").asInt());
            assertEquals(2, o.get("repeat").asInt());
            assertEquals("preload", o.get("residency").asText());
            assertTrue(o.get("peak_rss_bytes").asLong() > o.get("weights_bytes").asLong());
            assertTrue(o.get("jdk").asText().startsWith(Integer.toString(Runtime.version().feature())));
            assertTrue(o.get("vector").asText().contains("-bit"));
            combos.add(o.get("kv").asText() + "/" + o.get("threads").asInt() + "/" + o.get("tiles").asInt());
        }
        assertEquals(Set.of("f32/1/1", "f32/1/3", "f32/2/1", "f32/2/3", "int8/1/1", "int8/1/3", "int8/2/1",
                "int8/2/3"), combos);
        assertTrue(r.err().contains("configuration 8/8"), r.err());
    }

    @Test
    void quantizedFormatsHoldFewerBytes() throws IOException {
        Run r = run("bench", "--model", model.toString(), "--weights", "as-stored,q8_0,q4_0",
                "--threads", "2", "-p", "8", "-n", "4", "--repeat", "1", "--json");
        List<JsonNode> objs = jsonLines(r);
        assertEquals(List.of("as-stored", "q8_0", "q4_0"), objs.stream().map(o -> o.get("weights").asText()).toList());
        for (JsonNode o : objs) {
            for (String m : METRICS) {
                assertFinite(o, m);
                assertEquals(0.0, o.get(m + "_sd").asDouble(), "one run has sd 0");
            }
        }
        long bf16 = objs.get(0).get("weights_bytes").asLong();
        long q8 = objs.get(1).get("weights_bytes").asLong();
        long q4 = objs.get(2).get("weights_bytes").asLong();
        assertTrue(q4 < q8 && q8 < bf16, bf16 + " " + q8 + " " + q4);
    }

    @Test
    void skippedPhasesAreNullAndDropTheTileAxis() throws IOException {
        Run r = run("bench", "--model", model.toString(), "--threads", "1", "--tiles", "1,3,4",
                "-p", "8", "--skip", "vision,decode", "--repeat", "1", "--json", "--residency", "mapped");
        List<JsonNode> objs = jsonLines(r);
        assertEquals(1, objs.size(), "without vision the tile list adds no configurations");
        JsonNode o = objs.get(0);
        assertFinite(o, "load_s");
        assertFinite(o, "prefill_tps");
        for (String k : List.of("vision_s_per_tile", "image_first_token_s", "decode_tps", "decode_tps_sd", "tiles")) {
            assertTrue(o.get(k).isNull(), k + " should be null: " + o);
        }
        assertEquals("mapped", o.get("residency").asText());
    }

    @Test
    void tableHasEnvironmentHeaderAndOneRowPerConfiguration() {
        Run r = run("bench", "--model", model.toString(), "--weights", "as-stored,q8_0",
                "--threads", "1", "-p", "8", "-n", "4", "--repeat", "1", "--residency", "anonymous");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("JDK " + Runtime.version()), out);
        assertTrue(out.contains("JVM flags:"), out);
        assertTrue(out.contains("CPU: ") && out.contains("vectors "), out);
        assertTrue(out.contains("residency anonymous"), out);
        List<String> rows = out.lines().filter(l -> l.startsWith("|")).toList();
        assertEquals(2 + 2, rows.size(), out); // header, separator, two configurations
        assertTrue(rows.get(0).contains("pp8 t/s") && rows.get(0).contains("tg4 t/s"), rows.get(0));
        assertTrue(rows.get(2).startsWith("| as-stored ") && rows.get(3).startsWith("| q8_0 "), out);
        for (String row : rows.subList(2, 4)) {
            assertEquals(13, row.chars().filter(c -> c == '|').count(), row);
            assertTrue(row.contains("±"), row);
        }
    }

    // ---- argument errors: non-zero exit, one clear line ---------------------------------------------------------

    static void assertUsageError(String expected, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "bench";
        all[1] = "--model";
        all[2] = model.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        Run r = run(all);
        assertEquals(Main.EXIT_USAGE, r.code(), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void badArgumentsAreUsageErrorsNamingTheProblem() {
        assertUsageError("--threads: thread counts must be ≥ 1, got 0", "--threads", "0");
        assertUsageError("--threads: 'two' is not a whole number", "--threads", "two");
        assertUsageError("--weights: unknown weight format 'q5_k'", "--weights", "q8_0,q5_k");
        assertUsageError("--kv: unknown KV cache type 'f16'", "--kv", "f16");
        assertUsageError("--tiles: no image gives 2 tiles", "--tiles", "2");
        assertUsageError("--skip: unknown phase 'load'", "--skip", "load");
        assertUsageError("--residency: unknown residency 'swap'", "--residency", "swap");
        assertUsageError("--repeat must be ≥ 1", "--repeat", "0");
        assertUsageError("-p: the prefill prompt needs at least 1 token", "-p", "0");
        assertUsageError("-n: decode needs at least 1 token", "-n", "-3");
        assertUsageError("--weights: empty item", "--weights", "q8_0,");
    }

    @Test
    void modelDirectoryWithoutConfigIsAnError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run r = run("bench", "--model", empty.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("config.json not found"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Run missing = run("bench", "--model", tmp.resolve("nope").toString());
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("no such model directory"), missing.err());
    }
}
