package org.visionpangu4j.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Paths to the tiny-visionpangu fixture and small comparison helpers for the golden tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path dir() {
        String td = System.getProperty("visionpangu.testdata");
        Path base = td != null ? Path.of(td) : Path.of("../testdata");
        return base.resolve("tiny-visionpangu");
    }

    public static Path golden(String name) {
        return dir().resolve("golden").resolve(name);
    }

    public static JsonNode manifest() {
        try {
            return new ObjectMapper().readTree(golden("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** max |a[aOff+i] − t[i]| over the whole tensor t (read as float). */
    public static double maxAbsDiff(float[] a, int aOff, Tensor t) {
        double max = 0;
        for (long i = 0; i < t.numel(); i++) {
            max = Math.max(max, Math.abs(a[aOff + (int) i] - t.getFloat(i)));
        }
        return max;
    }

    /** max |a[aOff+i] − b[bOff+i]| for i &lt; n. */
    public static double maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(a[aOff + i] - b[bOff + i]));
        }
        return max;
    }
}
