package org.visionpangu4j.cli;

import org.visionpangu4j.core.VisionPanguException;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves {@code --model}: the given directory, or the bundled demo checkpoint (with a warning). */
final class ModelLocator {
    /** Where the demo checkpoint sits inside the repository. */
    static final String DEMO = "testdata/tiny-visionpangu";

    private ModelLocator() {
    }

    static Path require(Path model) {
        if (!Files.isDirectory(model)) {
            throw new VisionPanguException(model + (Files.exists(model)
                    ? ": not a directory (--model takes the model directory)" : ": no such model directory"));
        }
        return model;
    }

    /** {@code model} if given, else the demo checkpoint, announcing on stderr that its weights are random. */
    static Path orDemo(Path model, PrintWriter err) {
        if (model != null) {
            return require(model);
        }
        Path home = Path.of(System.getProperty("visionpangu.home", "."));
        Path demo = home.resolve(DEMO);
        if (!Files.isDirectory(demo)) {
            throw new VisionPanguException("no --model given and the bundled demo checkpoint is not at " + demo
                    + "; pass --model DIR with a VisionPangu model directory");
        }
        err.println("visionpangu: no --model given: using the bundled demo checkpoint " + DEMO + ".");
        err.println("visionpangu: its weights are random, so the caption is noise. For real captions pass");
        err.println("visionpangu: --model DIR pointing at VisionPangu weights (config.json, model.safetensors, tokenizer files).");
        err.flush();
        return demo;
    }
}
