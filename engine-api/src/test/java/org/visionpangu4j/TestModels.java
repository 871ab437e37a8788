package org.visionpangu4j;

import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;

/** The reference fixtures under the build's {@code visionpangu.testdata} folder, and comparison helpers. */
public final class TestModels {
    private TestModels() {
    }

    /** The test data folder. */
    public static Path root() {
        String root = System.getProperty("visionpangu.testdata");
        if (root == null) {
            throw new IllegalStateException("system property visionpangu.testdata is not set (the build sets it)");
        }
        return Path.of(root);
    }

    /** The tiny-visionpangu fixture directory. */
    public static Path dir() {
        return fixture("tiny-visionpangu");
    }

    /** A fixture directory by name. */
    public static Path fixture(String name) {
        Path dir = root().resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixture directory " + dir + " is missing");
        }
        return dir;
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
