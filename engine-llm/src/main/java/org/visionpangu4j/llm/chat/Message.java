package org.visionpangu4j.llm.chat;

import org.visionpangu4j.core.VisionPanguException;

import java.util.Objects;

/**
 * One chat turn.
 *
 * @param role    who wrote it
 * @param content its text; may contain {@code <image>} placeholders
 * @param images  how many images this (user) turn carries; see {@link ImagePrompt#withPlaceholders}
 */
public record Message(Role role, String content, int images) {
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (images < 0) {
            throw new VisionPanguException("a message cannot carry " + images + " images");
        }
        if (images > 0 && role != Role.USER) {
            throw new VisionPanguException("only user messages carry images, not " + role.wireName() + " messages");
        }
    }

    /** A text-only turn. */
    public Message(Role role, String content) {
        this(role, content, 0);
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content);
    }

    /** A user turn with {@code images} images attached (in order). */
    public static Message user(String content, int images) {
        return new Message(Role.USER, content, images);
    }

    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content);
    }
}
