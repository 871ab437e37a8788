package org.visionpangu4j.server;

import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.GenerationOptions;

import java.util.List;

/**
 * A validated {@code POST /v1/chat/completions} body, ready for {@code Engine.chat}.
 *
 * @param messages     the conversation, images attached to their user turns
 * @param options      length limit, sampling settings, seed and stop strings
 * @param stream       reply as server-sent events
 * @param includeUsage ({@code stream_options.include_usage}) end the stream with a usage chunk
 */
record ChatCompletionRequest(List<ChatMessage> messages, GenerationOptions options, boolean stream,
                             boolean includeUsage) {
}
