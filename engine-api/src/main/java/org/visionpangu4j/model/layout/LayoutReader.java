package org.visionpangu4j.model.layout;

import org.visionpangu4j.core.config.ConfigNode;
import org.visionpangu4j.llm.model.DecoderTensorNames;
import org.visionpangu4j.vision.model.VisionTensorNames;

import java.nio.file.Path;
import java.util.Set;

/**
 * What a supported {@link CheckpointLayout} knows: where its config keeps each section and its tensors their
 * names. Everything a layout knows about names lives in its reader; the model code asks by role.
 */
public interface LayoutReader {
    /** The decoder's section of the config ({@code llm_config}, {@code text_config}): read by the model family. */
    ConfigNode decoderSection(ConfigNode root);

    /** The vision tower, projector and tiling settings; {@code llmHidden} is the decoder width the projector feeds. */
    VisionSpec vision(ConfigNode root, Path modelDir, int llmHidden);

    /** The chat template the config names, or null when this layout's config names none. */
    String templateName(ConfigNode root);

    VisionTensorNames visionNames();

    /** Where the decoder's tensors are; {@code tensorNames} picks among a layout's spellings. */
    DecoderTensorNames decoderNames(Set<String> tensorNames);
}
