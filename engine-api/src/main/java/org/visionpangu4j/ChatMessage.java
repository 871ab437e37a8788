package org.visionpangu4j;

import java.util.List;
import java.util.Objects;

/**
 * One chat turn. A user turn may carry images; each is placed where its {@code <image>} placeholder stands in the
 * text, or, without placeholders, before the text (one {@code <image>\n} per image, as InternVL does).
 *
 * @param role   who wrote it
 * @param text   its text
 * @param images the images it carries, in order (user turns only)
 */
public record ChatMessage(Role role, String text, List<ImageInput> images) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(images, "images");
        images = List.copyOf(images);
    }

    /** A system turn. */
    public static ChatMessage system(String text) {
        return new ChatMessage(Role.SYSTEM, text, List.of());
    }

    /** A user turn, with any number of images. */
    public static ChatMessage user(String text, ImageInput... images) {
        return new ChatMessage(Role.USER, text, List.of(Objects.requireNonNull(images, "images")));
    }

    /** An earlier reply of the model, for multi-turn chats. */
    public static ChatMessage assistant(String text) {
        return new ChatMessage(Role.ASSISTANT, text, List.of());
    }
}
