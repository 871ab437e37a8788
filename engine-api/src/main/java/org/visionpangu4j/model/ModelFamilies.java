package org.visionpangu4j.model;

import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.config.ConfigNode;
import org.visionpangu4j.model.family.VisionPanguFamily;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The model families the engine runs, and which one a config describes. */
public final class ModelFamilies {
    /** Every supported family; a new family is one more entry. */
    public static final List<ModelFamily> ALL = List.of(new VisionPanguFamily());

    private ModelFamilies() {
    }

    /**
     * The family of the model in {@code dir}, from its config alone (no weights): the decoder section is
     * {@code llm_config} in InternVL's own layout and {@code text_config} in transformers' conversion.
     */
    public static ModelFamily ofDirectory(Path dir) {
        ConfigNode root = ConfigNode.read(dir.resolve(ModelSpec.CONFIG));
        return of(root.has("llm_config") || !root.has("text_config") ? root.object("llm_config")
                : root.object("text_config"));
    }

    /** The family of a config's decoder section; a clear refusal naming what was found and what is supported. */
    public static ModelFamily of(ConfigNode decoder) {
        List<String> architectures = decoder.optTextList("architectures");
        String modelType = decoder.optText("model_type", null);
        for (ModelFamily f : ALL) {
            if (f.recognises(architectures, modelType)) {
                return f;
            }
        }
        throw new UnsupportedModelException(decoder.source() + ": the decoder (" + decoder.where("architectures")
                + " " + architectures + ", model_type " + (modelType == null ? "absent" : "'" + modelType + "'")
                + ") belongs to no supported model family; supported: "
                + ALL.stream().map(f -> f.name() + " [" + f.describeArchitectures() + "]")
                .collect(Collectors.joining("; ")));
    }
}
