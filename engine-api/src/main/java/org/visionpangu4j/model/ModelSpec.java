package org.visionpangu4j.model;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.config.ConfigNode;
import org.visionpangu4j.llm.model.DecoderConfig;
import org.visionpangu4j.llm.model.DecoderTensorNames;
import org.visionpangu4j.model.layout.CheckpointLayout;
import org.visionpangu4j.model.layout.LayoutReader;
import org.visionpangu4j.model.layout.VisionSpec;
import org.visionpangu4j.vision.model.VisionTensorNames;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;

/**
 * Everything a model directory says about the model before a weight is read: its layout (from the tensor names),
 * its family (from the decoder's section of the config), and the parsed configuration of each part. Immutable.
 *
 * @param template the chat template name the config gives, or null (the family's default)
 */
public record ModelSpec(Path directory, CheckpointLayout layout, ModelFamily family, VisionSpec vision,
                        DecoderConfig decoder, String template, VisionTensorNames visionNames,
                        DecoderTensorNames decoderNames) {

    /** The config file every model directory has. */
    public static final String CONFIG = "config.json";

    /**
     * Reads {@code dir}'s config given the names of its tensors (a checkpoint header): detects the layout, then the
     * family, then parses and cross-checks the configuration.
     */
    public static ModelSpec read(Path dir, Collection<String> tensorNames) {
        requireModelDirectory(dir);
        CheckpointLayout layout = CheckpointLayout.detect(tensorNames, String.valueOf(dir));
        LayoutReader reader = layout.reader();
        ConfigNode root = ConfigNode.read(dir.resolve(CONFIG));
        ConfigNode decoderSection = reader.decoderSection(root);
        ModelFamily family = ModelFamilies.of(decoderSection);
        DecoderConfig decoder = family.decoderConfig(decoderSection, root);
        VisionSpec vision = reader.vision(root, dir, decoder.hiddenSize());
        String template = reader.templateName(root);
        family.template(template); // an unknown template is refused now, not at the first request
        int perImage = Math.multiplyExact(vision.tiling().maxTiles() + (vision.tiling().thumbnail() ? 1 : 0),
                vision.tokensPerTile());
        if (perImage > decoder.maxPositionEmbeddings()) {
            throw new ModelFormatException(root.source() + ": max_dynamic_patch " + vision.tiling().maxTiles()
                    + " tiles of " + vision.tokensPerTile() + " tokens (" + perImage + " tokens for one image) exceed the"
                    + " decoder's max_position_embeddings " + decoder.maxPositionEmbeddings());
        }
        return new ModelSpec(dir, layout, family, vision, decoder, template, reader.visionNames(),
                reader.decoderNames(Set.copyOf(tensorNames)));
    }

    /**
     * Fails unless {@code dir} is a directory with a config: checked before the weights are opened, so that a
     * directory that is no model says so rather than that its weights are missing.
     */
    public static void requireModelDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + (Files.exists(dir) ? ": not a directory (a model is a directory)"
                    : ": no such model directory"));
        }
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new ModelFormatException(dir + ": " + CONFIG + " not found");
        }
    }

    /** Image tokens per tile. */
    public int tokensPerTile() {
        return vision.tokensPerTile();
    }
}
