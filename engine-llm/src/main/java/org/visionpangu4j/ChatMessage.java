package org.visionpangu4j;

import org.visionpangu4j.llm.chat.Role;

import java.util.List;
import java.util.Objects;

/**
 * One chat turn. A user turn may carry images; each is placed where its {@code <image>} placeholder stands in the
 * text, or, without placeholders, before the text (one {@code <image>\n} per image, as InternVL does).
 */
public record ChatMessage(Role role, String text, List<ImageInput> images) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        images = List.copyOf(images);
    }

    public static ChatMessage system(String text) {
        return new ChatMessage(Role.SYSTEM, text, List.of());
    }

    public static ChatMessage user(String text, ImageInput... images) {
        return new ChatMessage(Role.USER, text, List.of(images));
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage(Role.ASSISTANT, text, List.of());
    }
}
