package org.visionpangu4j.model;

import org.visionpangu4j.core.config.ConfigNode;
import org.visionpangu4j.llm.chat.ChatTemplate;
import org.visionpangu4j.llm.model.DecoderConfig;
import org.visionpangu4j.llm.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * A family of models: one decoder flavour with its tokenizer and chat template, behind the InternViT vision path
 * every family shares (docs/design.md, "Model families and layouts"). A family is one class in
 * {@code org.visionpangu4j.model.family}, listed in {@link ModelFamilies}; the checkpoint layouts it can come in
 * are separate ({@link org.visionpangu4j.model.layout.CheckpointLayout}).
 */
public interface ModelFamily {
    /** A short name for messages and {@code info}, e.g. "VisionPangu (openPangu-Embedded)". */
    String name();

    /**
     * Whether the decoder section of a config belongs to this family, from its {@code architectures} and
     * {@code model_type}.
     */
    boolean recognises(List<String> architectures, String modelType);

    /** What {@link #recognises} accepts, for the error that lists the supported families. */
    String describeArchitectures();

    /**
     * The decoder's hyper-parameters from its config section ({@code llm_config} / {@code text_config}); keys
     * this family's decoder does not implement are refused by name. {@code root} is the whole config, for keys a
     * layout keeps at the top level.
     */
    DecoderConfig decoderConfig(ConfigNode decoder, ConfigNode root);

    /** The tokenizer of a model directory of this family. */
    Tokenizer loadTokenizer(Path modelDir);

    /** The chat template called {@code name} (the config's), or this family's default for null; unknown names refused. */
    ChatTemplate template(String name);
}
