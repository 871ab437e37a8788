package org.visionpangu4j.core;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the project's test data (system property {@code visionpangu.testdata}, set by the build). */
public final class TestData {
    private TestData() {
    }

    public static Path root() {
        String p = System.getProperty("visionpangu.testdata");
        if (p == null) {
            throw new IllegalStateException("system property visionpangu.testdata is not set (run the tests through Maven)");
        }
        Path root = Path.of(p);
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("test data folder " + root + " does not exist");
        }
        return root;
    }

    /** The tiny reference checkpoint directory. */
    public static Path tinyModel() {
        return root().resolve("tiny-visionpangu");
    }
}
