package org.visionpangu4j.llm.model;

import org.visionpangu4j.core.config.ConfigParser;
import org.visionpangu4j.core.config.ModelConfig;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny-visionpangu fixture: model directory, config, and golden files (all read-only). */
public final class Fixture {
    private Fixture() {
    }

    public static Path dir() {
        String root = System.getProperty("visionpangu.testdata");
        if (root == null) {
            throw new IllegalStateException("system property visionpangu.testdata is not set (the build sets it)");
        }
        Path dir = Path.of(root, "tiny-visionpangu");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixture directory " + dir + " is missing");
        }
        return dir;
    }

    public static ModelConfig config() {
        return ConfigParser.parse(dir());
    }

    public static Checkpoint model() {
        return Checkpoint.open(dir());
    }

    public static Checkpoint golden(String file) {
        return Checkpoint.open(dir().resolve("golden").resolve(file));
    }

    public static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(t.getLong(i));
        }
        return out;
    }

    /** Largest |a[aOff+i] − b[bOff+i]| over n elements. */
    public static double maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs((double) a[aOff + i] - b[bOff + i]));
        }
        return m;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        return maxAbsDiff(a, 0, b, 0, a.length);
    }
}
