package org.visionpangu4j.llm.chat;

import org.visionpangu4j.core.VisionPanguException;

import java.util.Locale;

/** The author of a chat turn, named as in Hugging Face chat messages. */
public enum Role {
    SYSTEM("system"), USER("user"), ASSISTANT("assistant"), TOOL("tool"), FUNCTION("function");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The role's name in chat messages ({@code "user"}, ...). */
    public String wireName() {
        return wireName;
    }

    /** Parses a role name such as {@code "assistant"} (case-insensitive). */
    public static Role of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Role r : values()) {
            if (r.wireName.equals(n)) {
                return r;
            }
        }
        throw new VisionPanguException("unknown chat role '" + name + "'; expected one of system, user, assistant,"
                + " tool, function");
    }
}
