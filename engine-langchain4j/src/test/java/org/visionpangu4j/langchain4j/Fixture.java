package org.visionpangu4j.langchain4j;

import dev.langchain4j.data.message.ImageContent;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.ImageInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** The tiny-visionpangu checkpoint (random weights: greedy output is deterministic noise) and its images. */
final class Fixture {
    private Fixture() {
    }

    static Path dir() {
        return Path.of(System.getProperty("visionpangu.testdata"), "tiny-visionpangu");
    }

    static EngineOptions options() {
        return EngineOptions.builder().threads(2).build();
    }

    static Engine load() {
        return Engine.load(dir(), options());
    }

    static Path image(String name) {
        return dir().resolve("images").resolve(name);
    }

    static ImageInput input(String name) {
        return ImageInput.of(image(name));
    }

    /** The image as LangChain4j base64 content. */
    static ImageContent base64(String name) {
        try {
            String type = name.endsWith(".png") ? "image/png" : "image/jpeg";
            return ImageContent.from(Base64.getEncoder().encodeToString(Files.readAllBytes(image(name))), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
