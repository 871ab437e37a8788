package org.visionpangu4j.llm.chat;

import java.util.List;

/**
 * openPangu's chat template ({@code chat_template} in its tokenizer_config.json), verbatim:
 * {@code [unused9]系统：{system}[unused10][unused9]用户：{user}[unused10][unused9]助手：} with the full-width colon
 * U+FF1A and no newlines. If the first message is not a system message an empty system turn comes first; tool and
 * function turns are {@code 工具} and {@code 方法}; the generation prompt is {@code [unused9]助手：}.
 */
public final class OpenPanguTemplate implements ChatTemplate {
    public static final String NAME = "openpangu";
    static final String TURN_START = "[unused9]";
    static final String TURN_END = "[unused10]";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String endOfTurn() {
        return TURN_END;
    }

    @Override
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (i == 0 && m.role() != Role.SYSTEM) {
                sb.append(TURN_START).append(speaker(Role.SYSTEM)).append(TURN_END);
            }
            sb.append(TURN_START).append(speaker(m.role())).append(m.content()).append(TURN_END);
        }
        if (addGenerationPrompt) {
            sb.append(TURN_START).append(speaker(Role.ASSISTANT));
        }
        return sb.toString();
    }

    // Speaker label followed by the full-width colon U+FF1A.
    private static String speaker(Role role) {
        return switch (role) {
            case SYSTEM -> "系统\uFF1A";
            case USER -> "用户\uFF1A";
            case ASSISTANT -> "助手\uFF1A";
            case TOOL -> "工具\uFF1A";
            case FUNCTION -> "方法\uFF1A";
        };
    }
}
