package org.visionpangu4j.langchain4j;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.GenerationOptions;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The models behind LangChain4j's high-level AiServices: images, a system prompt, memory, streaming. */
class AiServicesTest {
    static final String SYSTEM = "You describe images.";
    static Engine engine;
    static VisionPanguChatModel chat;
    static VisionPanguStreamingChatModel streaming;

    interface Describer {
        @SystemMessage(SYSTEM)
        String describe(@UserMessage ImageContent image, @UserMessage String question);

        @SystemMessage(SYSTEM)
        Result<String> describeWithUsage(@UserMessage ImageContent image, @UserMessage String question);
    }

    interface StreamingDescriber {
        @SystemMessage(SYSTEM)
        TokenStream describe(@UserMessage ImageContent image, @UserMessage String question);
    }

    interface Assistant {
        String chat(String message);
    }

    @BeforeAll
    static void load() {
        engine = Fixture.load();
        chat = VisionPanguChatModel.builder().engine(engine).maxOutputTokens(10).build();
        streaming = VisionPanguStreamingChatModel.builder().engine(engine).maxOutputTokens(10).build();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static Completion expected(String question, String image) {
        return engine.chat(List.of(ChatMessage.system(SYSTEM), ChatMessage.user(question, Fixture.input(image))),
                GenerationOptions.builder().maxNewTokens(10).build());
    }

    @Test
    void aiServiceWithAnImageMessage() {
        Describer d = AiServices.builder(Describer.class).chatModel(chat).build();
        Completion expected = expected("What is on the board?", "photo_board.jpg");
        assertEquals(expected.text(), d.describe(Fixture.base64("photo_board.jpg"), "What is on the board?"));
        Result<String> r = d.describeWithUsage(ImageContent.from(Fixture.image("photo_board.jpg").toUri()),
                "What is on the board?");
        assertEquals(expected.text(), r.content());
        assertEquals(expected.promptTokenIds().length, r.tokenUsage().inputTokenCount());
        assertEquals(10, r.tokenUsage().outputTokenCount());
    }

    @Test
    void streamingAiServiceWithAnImageMessage() throws Exception {
        StreamingDescriber d = AiServices.builder(StreamingDescriber.class).streamingChatModel(streaming).build();
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        d.describe(Fixture.base64("alpha_badge.png"), "What does the badge say?")
                .onPartialResponse(pieces::append)
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        String expected = expected("What does the badge say?", "alpha_badge.png").text();
        assertEquals(expected, r.aiMessage().text());
        assertEquals(expected, pieces.toString());
    }

    @Test
    void chatMemorySendsTheHistoryAsAssistantTurns() {
        Assistant a = AiServices.builder(Assistant.class).chatModel(chat)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(10)).build();
        String first = a.chat("Hello");
        String second = a.chat("And then?");
        GenerationOptions greedy = GenerationOptions.builder().maxNewTokens(10).build();
        assertEquals(engine.chat(List.of(ChatMessage.user("Hello")), greedy).text(), first);
        assertEquals(engine.chat(List.of(ChatMessage.user("Hello"), ChatMessage.assistant(first),
                ChatMessage.user("And then?")), greedy).text(), second);
    }
}
