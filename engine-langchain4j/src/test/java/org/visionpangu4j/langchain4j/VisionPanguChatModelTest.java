package org.visionpangu4j.langchain4j;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.GenerationOptions;
import org.visionpangu4j.core.ImageInputException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VisionPanguChatModel through LangChain4j's ChatModel API equals the Engine on the same request. */
class VisionPanguChatModelTest {
    static Engine engine;
    static VisionPanguChatModel model;

    @BeforeAll
    static void load() {
        engine = Fixture.load();
        model = VisionPanguChatModel.builder().engine(engine).maxOutputTokens(10).build();
    }

    @AfterAll
    static void close() {
        model.close();
        engine.close();
    }

    static GenerationOptions greedy(int n) {
        return GenerationOptions.builder().maxNewTokens(n).build();
    }

    @Test
    void textConversationEqualsTheEngine() {
        Completion expected = engine.chat(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello"),
                ChatMessage.assistant("Hi."), ChatMessage.user("What next?")), greedy(10));
        ChatResponse r = model.chat(SystemMessage.from("Be brief."), UserMessage.from("Hello"), AiMessage.from("Hi."),
                UserMessage.from("What next?"));
        assertEquals(expected.text(), r.aiMessage().text());
        assertEquals(expected.promptTokenIds().length, r.tokenUsage().inputTokenCount());
        assertEquals(10, r.tokenUsage().outputTokenCount());
        assertEquals(expected.promptTokenIds().length + 10, r.tokenUsage().totalTokenCount());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals("tiny-visionpangu", r.modelName());
        assertEquals(engine.chat(List.of(ChatMessage.user("Hello")), greedy(10)).text(), model.chat("Hello"));
    }

    @Test
    void base64ImageContentEqualsEngineCaption() {
        Completion expected = engine.caption(Fixture.input("photo_board.jpg"), "What is on the board?", greedy(10));
        ChatResponse r = model.chat(UserMessage.from(TextContent.from("What is on the board?"),
                Fixture.base64("photo_board.jpg")));
        assertEquals(expected.text(), r.aiMessage().text());
        assertEquals(expected.promptTokenIds().length, r.tokenUsage().inputTokenCount());
    }

    @Test
    void fileUrlImageContentEqualsEngineCaption() {
        Completion expected = engine.caption(Fixture.input("alpha_badge.png"), "Describe.", greedy(10));
        ChatResponse r = model.chat(UserMessage.from(ImageContent.from(Fixture.image("alpha_badge.png").toUri()),
                TextContent.from("Describe.")));
        assertEquals(expected.text(), r.aiMessage().text());
    }

    @Test
    void requestParametersReachTheEngine() {
        ChatRequest sampled = ChatRequest.builder().messages(UserMessage.from("Say something."))
                .parameters(ChatRequestParameters.builder().temperature(0.9).topP(0.8).topK(50).maxOutputTokens(6)
                        .build())
                .build();
        try (VisionPanguChatModel seeded = VisionPanguChatModel.builder().engine(engine).seed(77L).build()) {
            Completion expected = engine.chat(List.of(ChatMessage.user("Say something.")), GenerationOptions.builder()
                    .maxNewTokens(6).temperature(0.9).topP(0.8).topK(50).seed(77).build());
            ChatResponse r = seeded.chat(sampled);
            assertEquals(expected.text(), r.aiMessage().text());
            assertEquals(6, r.tokenUsage().outputTokenCount());
        }
        // A stop sequence from the middle of the greedy reply cuts it there, with finish reason STOP.
        String full = model.chat(UserMessage.from("Tell me a story.")).aiMessage().text();
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        ChatResponse cut = model.chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story."))
                .parameters(ChatRequestParameters.builder().stopSequences(stop).build()).build());
        assertEquals(FinishReason.STOP, cut.finishReason());
        assertFalse(cut.aiMessage().text().contains(stop));
        assertTrue(full.startsWith(cut.aiMessage().text()));
        // Per-request max output tokens override the model's default of 10.
        ChatResponse shorter = model.chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story."))
                .parameters(ChatRequestParameters.builder().maxOutputTokens(3).build()).build());
        assertEquals(3, shorter.tokenUsage().outputTokenCount());
    }

    @Test
    void whatVisionPanguCannotDoIsRefused() {
        assertThrows(UnsupportedFeatureException.class, () -> model.chat(ChatRequest.builder()
                .messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(
                        ToolSpecification.builder().name("weather").build()).build()).build()));
        assertThrows(UnsupportedFeatureException.class, () -> model.chat(UserMessage.from("hi"),
                ToolExecutionResultMessage.from("id1", "weather", "sunny")));
        assertThrows(UnsupportedFeatureException.class, () -> model.chat(UserMessage.from(
                ImageContent.from("https://example.com/cat.png"), TextContent.from("What is this?"))));
        assertThrows(IllegalArgumentException.class, () -> model.chat(UserMessage.from(
                ImageContent.from("@@not base64@@", "image/png"))));
        assertThrows(ImageInputException.class, () -> model.chat(UserMessage.from(
                ImageContent.from("aGVsbG8gd29ybGQ=", "image/png"))));
    }

    @Test
    void aModelBuiltFromAPathOwnsItsEngine() {
        VisionPanguChatModel owned = VisionPanguChatModel.builder().modelPath(Fixture.dir())
                .engineOptions(Fixture.options()).modelName("tiny").maxOutputTokens(4).build();
        ChatResponse r = owned.chat(ChatRequest.builder().messages(UserMessage.from("Hello")).build());
        assertEquals("tiny", r.modelName());
        assertEquals(engine.chat(List.of(ChatMessage.user("Hello")), greedy(4)).text(), r.aiMessage().text());
        owned.close();
        assertThrows(IllegalStateException.class, () -> owned.chat("Hello"));
        assertThrows(IllegalArgumentException.class, () -> VisionPanguChatModel.builder().build());
    }
}
