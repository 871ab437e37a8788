package org.visionpangu4j.llm.chat;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;

import java.util.List;

/** The chat templates by the name a config gives them ({@code config.json}'s {@code template}). */
public final class ChatTemplates {
    private static final List<String> SUPPORTED = List.of(OpenPanguTemplate.NAME);

    private ChatTemplates() {
    }

    /** The template called {@code name}; unknown names are refused with the list of supported ones. */
    public static ChatTemplate forName(String name) {
        if (name == null || name.isBlank()) {
            throw new ModelFormatException("no chat template named (config.json 'template' is empty)");
        }
        if (name.equals(OpenPanguTemplate.NAME)) {
            return new OpenPanguTemplate();
        }
        throw new UnsupportedModelException("chat template '" + name + "' (config.json 'template') is not supported;"
                + " supported templates: " + SUPPORTED);
    }

    public static List<String> supported() {
        return SUPPORTED;
    }
}
