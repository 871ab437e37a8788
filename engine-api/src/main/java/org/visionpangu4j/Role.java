package org.visionpangu4j;

/** The author of a chat turn ({@link ChatMessage#role()}), named as in Hugging Face / OpenAI chat messages. */
public enum Role {
    SYSTEM(org.visionpangu4j.llm.chat.Role.SYSTEM),
    USER(org.visionpangu4j.llm.chat.Role.USER),
    ASSISTANT(org.visionpangu4j.llm.chat.Role.ASSISTANT),
    TOOL(org.visionpangu4j.llm.chat.Role.TOOL),
    FUNCTION(org.visionpangu4j.llm.chat.Role.FUNCTION);

    private final org.visionpangu4j.llm.chat.Role chat;

    Role(org.visionpangu4j.llm.chat.Role chat) {
        this.chat = chat;
    }

    /** The role's name in chat messages: {@code "system"}, {@code "user"}, … */
    public String wireName() {
        return chat.wireName();
    }

    /**
     * Parses a role name such as {@code "assistant"} (case-insensitive).
     *
     * @throws org.visionpangu4j.core.VisionPanguException for an unknown name
     */
    public static Role of(String name) {
        return valueOf(org.visionpangu4j.llm.chat.Role.of(name).name());
    }

    org.visionpangu4j.llm.chat.Role chat() {
        return chat;
    }
}
