package org.visionpangu4j.model.layout;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.safetensors.Checkpoint;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a checkpoint names its tensors and lays out its config (docs/design.md, "Model families and layouts"),
 * detected from the tensor names alone. A supported layout has a {@link #reader()}; the others are recognised so
 * that the error can say what the file is. Each layout knows which name prefixes belong to which
 * {@link Component}, which is what parameter counts need.
 */
public enum CheckpointLayout {
    /** {@code InternVLChatModel}: {@code vision_model.*}, {@code mlp1.*}, {@code language_model.model.*}. */
    INTERNVL_NATIVE("InternVL-native",
            List.of("vision_model."), List.of("mlp1."), List.of("language_model.model."),
            List.of("language_model.lm_head.")),
    /** transformers' {@code InternVLForConditionalGeneration} ("-HF" repos), current and older converter names. */
    HF_INTERNVL("HF-native InternVL",
            List.of("model.vision_tower.", "vision_tower."),
            List.of("model.multi_modal_projector.", "multi_modal_projector."),
            List.of("model.language_model.", "language_model.model."),
            List.of("lm_head.", "language_model.lm_head.")),
    /** LLaVA code base ({@code model.mm_projector.*}) or its HF conversion (projector without a LayerNorm). */
    LLAVA("LLaVA-style",
            List.of("model.vision_tower.", "vision_tower."),
            List.of("model.mm_projector.", "model.multi_modal_projector.", "multi_modal_projector."),
            List.of("model.language_model.", "language_model.model.", "model."),
            List.of("lm_head.", "language_model.lm_head.")),
    /** A plain openPangu-Embedded checkpoint: {@code model.*} and maybe {@code lm_head.weight}, no vision. */
    TEXT_ONLY("text-only openPangu", List.of(), List.of(), List.of("model."), List.of("lm_head."));

    /** The parts of the model a tensor can belong to. */
    public enum Component { VISION, PROJECTOR, LLM, LM_HEAD, OTHER }

    private final String displayName;
    private final List<String> vision;
    private final List<String> projector;
    private final List<String> llm;
    private final List<String> lmHead;

    CheckpointLayout(String displayName, List<String> vision, List<String> projector, List<String> llm,
                     List<String> lmHead) {
        this.displayName = displayName;
        this.vision = vision;
        this.projector = projector;
        this.llm = llm;
        this.lmHead = lmHead;
    }

    public String displayName() {
        return displayName;
    }

    /** Which component {@code tensorName} belongs to in this layout (vision and projector are tested first). */
    public Component component(String tensorName) {
        if (startsWithAny(tensorName, vision)) {
            return Component.VISION;
        }
        if (startsWithAny(tensorName, projector)) {
            return Component.PROJECTOR;
        }
        if (startsWithAny(tensorName, lmHead)) {
            return Component.LM_HEAD;
        }
        if (startsWithAny(tensorName, llm)) {
            return Component.LLM;
        }
        return Component.OTHER;
    }

    /** The layout of {@code checkpoint}'s tensor names; an error listing a few names if none matches. */
    public static CheckpointLayout detect(Checkpoint checkpoint) {
        return detect(checkpoint.names(), String.valueOf(checkpoint.directory()));
    }

    /** The layout of a set of tensor names; {@code source} names the checkpoint in the error. */
    public static CheckpointLayout detect(Collection<String> names, String source) {
        if (anyStartsWith(names, "vision_model.") && names.contains("mlp1.0.weight")) {
            return INTERNVL_NATIVE;
        }
        boolean hfTower = anyStartsWith(names, "model.vision_tower.") || anyStartsWith(names, "vision_tower.");
        boolean hfProjector = anyStartsWith(names, "model.multi_modal_projector.")
                || anyStartsWith(names, "multi_modal_projector.");
        if (hfTower && hfProjector) {
            // InternVL's projector starts with a LayerNorm; HF-converted LLaVA's has only linear_1/linear_2.
            boolean layerNorm = names.stream().anyMatch(n -> n.contains("multi_modal_projector.layer_norm."));
            return layerNorm ? HF_INTERNVL : LLAVA;
        }
        if (anyStartsWith(names, "model.mm_projector.")) {
            return LLAVA;
        }
        boolean anyVision = hfTower || hfProjector || anyStartsWith(names, "vision_model.")
                || anyStartsWith(names, "mlp1.");
        if (!anyVision && anyStartsWith(names, "model.layers.") && names.contains("model.embed_tokens.weight")) {
            return TEXT_ONLY;
        }
        String sample = names.stream().sorted().limit(6).collect(Collectors.joining(", "));
        throw new ModelFormatException(source + ": unrecognised checkpoint layout (" + names.size() + " tensors: "
                + sample + (names.size() > 6 ? ", ..." : "") + "); expected InternVL-native (vision_model.* + "
                + "mlp1.0.weight), HF-native InternVL (model.vision_tower.* + model.multi_modal_projector.*), "
                + "LLaVA-style (model.mm_projector.*) or text-only openPangu (model.embed_tokens.weight + model.layers.*)");
    }

    /** The reader of a supported layout; a layout that is only recognised is refused with a message naming it. */
    public LayoutReader reader() {
        if (this == INTERNVL_NATIVE) {
            return new InternVLNativeLayout();
        }
        throw new UnsupportedModelException("the checkpoint has the " + displayName + " layout, which is recognised "
                + "but not supported yet; the engine runs InternVL-native checkpoints (vision_model.*, mlp1.*, "
                + "language_model.*)");
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyStartsWith(Collection<String> names, String prefix) {
        for (String n : names) {
            if (n.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
