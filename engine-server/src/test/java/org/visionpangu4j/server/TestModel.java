package org.visionpangu4j.server;

import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** The tiny-visionpangu fixture checkpoint (random weights: greedy output is deterministic noise) and its images. */
final class TestModel {
    static final String[] IMAGES = {"alpha_badge.png", "landscape_shapes.png", "photo_board.jpg", "portrait_scene.jpg"};

    private TestModel() {
    }

    static Path dir() {
        String root = System.getProperty("visionpangu.testdata");
        if (root == null) {
            throw new IllegalStateException("system property visionpangu.testdata is not set (the build sets it)");
        }
        return Path.of(root, "tiny-visionpangu");
    }

    static Path image(String name) {
        return dir().resolve("images").resolve(name);
    }

    static Engine load() {
        return Engine.load(dir(), EngineOptions.builder().threads(2).build());
    }

    static byte[] bytes(String image) {
        try {
            return Files.readAllBytes(image(image));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code data:image/png;base64,...} (media type from the extension). */
    static String dataUri(String image) {
        String type = image.endsWith(".png") ? "image/png" : "image/jpeg";
        return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes(image));
    }
}
