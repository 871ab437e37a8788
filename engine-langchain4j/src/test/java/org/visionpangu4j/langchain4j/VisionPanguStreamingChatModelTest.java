package org.visionpangu4j.langchain4j;

import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.GenerationOptions;
import org.visionpangu4j.core.ImageInputException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VisionPanguStreamingChatModel: partial responses, the complete response, errors and cancellation. */
class VisionPanguStreamingChatModelTest {
    static Engine engine;
    static VisionPanguStreamingChatModel model;

    @BeforeAll
    static void load() {
        engine = Fixture.load();
        model = VisionPanguStreamingChatModel.builder().engine(engine).build();
    }

    @AfterAll
    static void close() {
        model.close();
        engine.close();
    }

    /** Collects a streamed reply. */
    static final class Collector implements StreamingChatResponseHandler {
        final List<String> pieces = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partialResponse) {
            pieces.add(partialResponse);
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }

    @Test
    void partialResponsesConcatenateToTheCompleteOneAndEqualTheEngine() throws Exception {
        Completion expected = engine.caption(Fixture.input("portrait_scene.jpg"), "Describe the scene.",
                GenerationOptions.builder().maxNewTokens(12).build());
        Collector c = new Collector();
        model.chat(ChatRequest.builder()
                .messages(UserMessage.from(Fixture.base64("portrait_scene.jpg"), TextContent.from("Describe the scene.")))
                .parameters(ChatRequestParameters.builder().maxOutputTokens(12).build()).build(), c);
        ChatResponse r = c.done.get(60, TimeUnit.SECONDS);
        assertEquals(expected.text(), r.aiMessage().text());
        assertEquals(expected.text(), String.join("", c.pieces));
        assertTrue(c.pieces.size() > 1, c.pieces.toString());
        assertEquals(expected.promptTokenIds().length, r.tokenUsage().inputTokenCount());
        assertEquals(12, r.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.LENGTH, r.finishReason());
    }

    @Test
    void theStreamingHandleCancelsWithinOneToken() throws Exception {
        AtomicInteger pieces = new AtomicInteger();
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        Collector after = new Collector();
        model.chat(ChatRequest.builder().messages(UserMessage.from("Tell me a long story."))
                .parameters(ChatRequestParameters.builder().maxOutputTokens(5000).build()).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                        if (pieces.incrementAndGet() == 3) {
                            context.streamingHandle().cancel();
                            assertTrue(context.streamingHandle().isCancelled());
                            cancelled.complete(null);
                        }
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse r) {
                        after.done.complete(r);
                    }

                    @Override
                    public void onError(Throwable error) {
                        after.done.completeExceptionally(error);
                    }
                });
        cancelled.get(60, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertEquals(3, pieces.get(), "no piece after the cancel");
        assertTrue(!after.done.isDone(), "no complete response after a cancel");
    }

    @Test
    void errorsReachOnError() throws Exception {
        Collector bad = new Collector();
        model.chat(List.of(UserMessage.from(dev.langchain4j.data.message.ImageContent.from("aGVsbG8=", "image/png"))),
                bad);
        Throwable e = assertThrowsCause(bad.done);
        assertInstanceOf(ImageInputException.class, e);

        // A handler that throws gets its exception as the error, once, and the generation stops.
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        model.chat("Tell me a story.", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                calls.incrementAndGet();
                throw new IllegalStateException("handler broke");
            }

            @Override
            public void onCompleteResponse(ChatResponse r) {
                failed.completeExceptionally(new AssertionError("completed after the handler failed"));
            }

            @Override
            public void onError(Throwable error) {
                errors.incrementAndGet();
                failed.complete(error);
            }
        });
        assertEquals("handler broke", failed.get(60, TimeUnit.SECONDS).getMessage());
        Thread.sleep(200);
        assertEquals(1, errors.get());
        assertEquals(1, calls.get());
    }

    private static Throwable assertThrowsCause(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(60, TimeUnit.SECONDS);
            throw new AssertionError("expected an error");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no callback", e);
        }
    }
}
