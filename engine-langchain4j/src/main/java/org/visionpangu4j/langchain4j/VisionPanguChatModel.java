package org.visionpangu4j.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;

import java.util.List;

/**
 * A LangChain4j {@link ChatModel} over a VisionPangu {@link Engine}: system, user (text and images) and AI
 * messages; temperature, top-p, top-k, max output tokens and stop sequences; token usage and finish reason in the
 * response. Each call runs on the calling thread; one model may be used from many threads.
 *
 * <pre>{@code
 * try (var model = VisionPanguChatModel.builder().modelPath(Path.of("/models/visionpangu")).build()) {
 *     ChatResponse r = model.chat(UserMessage.from(ImageContent.from(base64, "image/jpeg"),
 *             TextContent.from("What is on the table?")));
 * }
 * }</pre>
 */
public final class VisionPanguChatModel implements ChatModel, AutoCloseable {
    private final VisionPanguModelBuilder.Resolved model;

    private VisionPanguChatModel(Builder b) {
        this.model = b.resolve();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Completion c = model.engine().chat(Conversions.messages(request.messages()),
                Conversions.options(request.parameters(), model.seed()));
        return Conversions.response(c, model.modelName());
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return model.defaults();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return model.listeners();
    }

    /** The engine this model runs on (to share it, e.g. with a {@link VisionPanguStreamingChatModel}). */
    public Engine engine() {
        return model.engine();
    }

    /** Closes the engine if this model loaded it; a shared engine stays open. */
    @Override
    public void close() {
        if (model.owned()) {
            model.engine().close();
        }
    }

    public static final class Builder extends VisionPanguModelBuilder<Builder> {
        private Builder() {
        }

        public VisionPanguChatModel build() {
            return new VisionPanguChatModel(this);
        }
    }
}
