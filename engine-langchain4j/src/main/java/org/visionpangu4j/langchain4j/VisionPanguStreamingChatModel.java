package org.visionpangu4j.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.CancellationToken;
import org.visionpangu4j.GenerationOptions;
import org.visionpangu4j.StopReason;

import java.util.List;

/**
 * A LangChain4j {@link StreamingChatModel} over a VisionPangu {@link Engine}. {@code chat} returns at once; the
 * reply arrives on a virtual thread as partial responses (whose concatenation is the complete response's text),
 * then the complete response with token usage and finish reason, or an error. The partial responses' streaming
 * handle cancels the generation within one token; after a cancel no further callback comes.
 */
public final class VisionPanguStreamingChatModel implements StreamingChatModel, AutoCloseable {
    private final VisionPanguModelBuilder.Resolved model;

    private VisionPanguStreamingChatModel(Builder b) {
        this.model = b.resolve();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        List<ChatMessage> messages;
        GenerationOptions options;
        try {
            messages = Conversions.messages(request.messages());
            options = Conversions.options(request.parameters(), model.seed());
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        Thread.ofVirtual().name("visionpangu-langchain4j").start(new Generation(messages, options, handler));
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return model.defaults();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return model.listeners();
    }

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

    /** One streamed request: its cancellation is the handle given with every partial response. */
    private final class Generation implements Runnable, StreamingHandle {
        private final List<ChatMessage> messages;
        private final GenerationOptions options;
        private final StreamingChatResponseHandler handler;
        private final CancellationToken cancel = new CancellationToken();
        private final PartialResponseContext context = new PartialResponseContext(this);
        private volatile boolean failed;

        Generation(List<ChatMessage> messages, GenerationOptions options, StreamingChatResponseHandler handler) {
            this.messages = messages;
            this.options = options;
            this.handler = handler;
        }

        @Override
        public void run() {
            Completion c;
            try {
                c = model.engine().chat(messages, options, this::partial, cancel);
            } catch (RuntimeException e) {
                if (!failed) {
                    handler.onError(e);
                }
                return;
            }
            if (failed || c.stopReason() == StopReason.CANCELLED) {
                return;
            }
            handler.onCompleteResponse(Conversions.response(c, model.modelName()));
        }

        /** A handler that throws ends the generation and gets that exception as its error. */
        private void partial(String piece) {
            if (failed || cancel.isCancelled()) {
                return;
            }
            try {
                handler.onPartialResponse(new PartialResponse(piece), context);
            } catch (RuntimeException e) {
                failed = true;
                cancel.cancel();
                handler.onError(e);
            }
        }

        @Override
        public void cancel() {
            cancel.cancel();
        }

        @Override
        public boolean isCancelled() {
            return cancel.isCancelled();
        }
    }

    public static final class Builder extends VisionPanguModelBuilder<Builder> {
        private Builder() {
        }

        public VisionPanguStreamingChatModel build() {
            return new VisionPanguStreamingChatModel(this);
        }
    }
}
