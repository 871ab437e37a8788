package org.visionpangu4j.spark;

import org.visionpangu4j.Engine;

import java.io.Serializable;
import java.util.Objects;

/**
 * Everything a captioning job sends to its executors: where the model is, the prompt, and how to load and run it.
 *
 * @param modelPath  the model directory as every executor sees it: an absolute local path (shared or copied
 *                   file system), or a name shipped with the job ({@code --archives model.tgz#NAME},
 *                   {@code SparkContext.addFile(dir, true)}); see {@link ModelLocation}
 * @param prompt     the user's question for every image
 * @param engine     how each executor loads its engine
 * @param generation how each caption is generated
 */
public record CaptionConfig(String modelPath, String prompt, EngineSettings engine, GenerationSettings generation)
        implements Serializable {

    public CaptionConfig {
        Objects.requireNonNull(modelPath, "modelPath");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(generation, "generation");
        if (modelPath.isBlank()) {
            throw new IllegalArgumentException("modelPath is empty");
        }
    }

    /** The model at {@code modelPath}, captioned like {@link Engine#caption(java.nio.file.Path)}: default prompt, greedy. */
    public static CaptionConfig of(String modelPath) {
        return new CaptionConfig(modelPath, Engine.DEFAULT_CAPTION_PROMPT, EngineSettings.defaults(),
                GenerationSettings.greedy());
    }

    public CaptionConfig withPrompt(String p) {
        return new CaptionConfig(modelPath, p, engine, generation);
    }

    public CaptionConfig withEngine(EngineSettings e) {
        return new CaptionConfig(modelPath, prompt, e, generation);
    }

    public CaptionConfig withGeneration(GenerationSettings g) {
        return new CaptionConfig(modelPath, prompt, engine, g);
    }
}
