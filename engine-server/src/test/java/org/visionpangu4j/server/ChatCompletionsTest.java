package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.GenerationOptions;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat completions over HTTP, plain and streamed, equal the Engine's replies for the same request. */
class ChatCompletionsTest {
    static Engine engine;
    static OpenAiServer server;
    static URI chat;

    @BeforeAll
    static void start() throws Exception {
        engine = TestModel.load();
        server = OpenAiServer.start(engine, ServerOptions.builder().port(0).modelName("tiny").build());
        chat = URI.create(server.baseUri() + "/chat/completions");
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
    }

    static GenerationOptions greedy(int n) {
        return GenerationOptions.builder().maxNewTokens(n).build();
    }

    @Test
    void captionWithADataUriImageEqualsTheEngine() {
        Completion expected = engine.caption(ImageInput.of(TestModel.image("photo_board.jpg")), "Describe it.",
                greedy(12));
        Http.Reply r = Http.post(chat, Http.chat("Describe it.", 12, "photo_board.jpg"));
        assertEquals(200, r.status(), r.body());
        JsonNode o = r.json();
        assertEquals("chat.completion", o.get("object").asText());
        assertEquals("tiny", o.get("model").asText());
        assertTrue(o.get("id").asText().startsWith("chatcmpl-"));
        JsonNode choice = o.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertEquals(expected.text(), choice.get("message").get("content").asText());
        assertEquals("length", choice.get("finish_reason").asText());
        assertEquals(expected.promptTokenIds().length, o.get("usage").get("prompt_tokens").asInt());
        assertEquals(12, o.get("usage").get("completion_tokens").asInt());
        assertEquals(expected.promptTokenIds().length + 12, o.get("usage").get("total_tokens").asInt());
    }

    @Test
    void streamedChunksConcatenateToTheEngineReply() {
        Completion expected = engine.caption(ImageInput.of(TestModel.image("alpha_badge.png")), "What is this?",
                greedy(10));
        ObjectNode req = Http.chat("What is this?", 10, "alpha_badge.png");
        req.put("stream", true);
        req.putObject("stream_options").put("include_usage", true);
        Http.Reply r = Http.post(chat, req);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        List<String> events = r.events();
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = Http.JSON.valueToTree(parse(e));
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            assertTrue(chunk.has("usage") && chunk.get("usage").isNull(), "usage: null on every chunk but the last");
            JsonNode c = chunk.get("choices").get(0);
            if (c.get("delta").has("content")) {
                text.append(c.get("delta").get("content").asText());
            }
            if (!c.get("finish_reason").isNull()) {
                finish = c.get("finish_reason").asText();
            }
        }
        assertEquals(expected.text(), text.toString());
        assertEquals("length", finish);
        assertEquals(expected.promptTokenIds().length, usage.get("prompt_tokens").asInt());
        assertEquals(10, usage.get("completion_tokens").asInt());
    }

    @Test
    void textOnlyChatWithSystemAndHistoryEqualsTheEngine() {
        List<ChatMessage> messages = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello"),
                ChatMessage.assistant("Hi."), ChatMessage.user("What next?"));
        Completion expected = engine.chat(messages, greedy(8));
        ObjectNode req = Http.object();
        req.put("max_completion_tokens", 8);
        var msgs = req.putArray("messages");
        msgs.addObject().put("role", "system").put("content", "Be brief.");
        msgs.addObject().put("role", "user").putArray("content").addObject().put("type", "text").put("text", "Hello");
        msgs.addObject().put("role", "assistant").put("content", "Hi.");
        msgs.addObject().put("role", "user").put("content", "What next?");
        req.put("some_future_field", "ignored");
        Http.Reply r = Http.post(chat, req);
        assertEquals(200, r.status(), r.body());
        assertEquals(expected.text(), r.json().get("choices").get(0).get("message").get("content").asText());
        assertEquals(expected.promptTokenIds().length, r.json().get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void imagesGoBeforeTheTextWhereverThePartsPutThem() {
        ImageInput a = ImageInput.of(TestModel.image("alpha_badge.png"));
        ImageInput b = ImageInput.of(TestModel.image("portrait_scene.jpg"));
        Completion expected = engine.chat(List.of(ChatMessage.user("Compare\nwith", a, b)), greedy(6));
        ObjectNode req = Http.object();
        req.put("max_tokens", 6);
        var parts = req.putArray("messages").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", "Compare");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", TestModel.dataUri("alpha_badge.png"));
        parts.addObject().put("type", "text").put("text", "with");
        parts.addObject().put("type", "image_url").putObject("image_url")
                .put("url", TestModel.dataUri("portrait_scene.jpg")).put("detail", "high");
        Http.Reply r = Http.post(chat, req);
        assertEquals(200, r.status(), r.body());
        assertEquals(expected.text(), r.json().get("choices").get(0).get("message").get("content").asText());
        assertEquals(expected.promptTokenIds().length, r.json().get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void imagePlaceholdersInTheTextPlaceTheImages() {
        ImageInput a = ImageInput.of(TestModel.image("alpha_badge.png"));
        ImageInput b = ImageInput.of(TestModel.image("portrait_scene.jpg"));
        String text = "Compare <image> with <image>.";
        Completion expected = engine.chat(List.of(ChatMessage.user(text, a, b)), greedy(6));
        Completion prepended = engine.chat(List.of(ChatMessage.user("Compare  with .", a, b)), greedy(6));
        ObjectNode req = Http.object();
        req.put("max_tokens", 6);
        var parts = req.putArray("messages").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", text);
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", TestModel.dataUri("alpha_badge.png"));
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", TestModel.dataUri("portrait_scene.jpg"));
        Http.Reply r = Http.post(chat, req);
        assertEquals(200, r.status(), r.body());
        assertEquals(expected.text(), r.json().get("choices").get(0).get("message").get("content").asText());
        assertEquals(expected.promptTokenIds().length, r.json().get("usage").get("prompt_tokens").asInt());
        assertFalse(java.util.Arrays.equals(expected.promptTokenIds(), prepended.promptTokenIds()));
    }

    @Test
    void textBeforeTheImageEqualsEngineCaption() {
        Completion expected = engine.caption(ImageInput.of(TestModel.image("photo_board.jpg")), "What is this?",
                greedy(8));
        ObjectNode req = Http.object();
        req.put("max_tokens", 8);
        var parts = req.putArray("messages").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", "What is this?");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", TestModel.dataUri("photo_board.jpg"));
        Http.Reply r = Http.post(chat, req);
        assertEquals(200, r.status(), r.body());
        assertEquals(expected.text(), r.json().get("choices").get(0).get("message").get("content").asText());
    }

    @Test
    void stopSequenceEndsTheReplyWithFinishReasonStop() {
        Completion full = engine.caption(ImageInput.of(TestModel.image("photo_board.jpg")), "Describe it.",
                greedy(12));
        String text = full.text();
        // A stop sequence taken from the middle of the greedy reply: the reply ends right before it.
        String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
        ObjectNode req = Http.chat("Describe it.", 12, "photo_board.jpg");
        req.putArray("stop").add(stop).add("never-appears");
        Http.Reply r = Http.post(chat, req);
        assertEquals(200, r.status(), r.body());
        JsonNode choice = r.json().get("choices").get(0);
        assertEquals("stop", choice.get("finish_reason").asText());
        String got = choice.get("message").get("content").asText();
        assertFalse(got.contains(stop));
        assertTrue(text.startsWith(got), got + " / " + text);
    }

    @Test
    void anEmptyReplyStillStreamsItsRoleFinishAndDone() {
        String full = engine.chat(List.of(ChatMessage.user("Hello")), greedy(8)).text();
        ObjectNode req = Http.chat("Hello", 8);
        req.put("stop", full.substring(0, 1)); // cuts the reply before its first character
        Http.Reply plain = Http.post(chat, req);
        assertEquals(200, plain.status(), plain.body());
        assertEquals("", plain.json().get("choices").get(0).get("message").get("content").asText());
        assertEquals("stop", plain.json().get("choices").get(0).get("finish_reason").asText());
        req.put("stream", true);
        Http.Reply streamed = Http.post(chat, req);
        assertEquals(200, streamed.status(), streamed.body());
        List<String> events = streamed.events();
        assertEquals(3, events.size(), events.toString());
        JsonNode role = Http.JSON.valueToTree(parse(events.get(0))).get("choices").get(0);
        assertEquals("assistant", role.get("delta").get("role").asText());
        JsonNode last = Http.JSON.valueToTree(parse(events.get(1))).get("choices").get(0);
        assertEquals("stop", last.get("finish_reason").asText());
        assertEquals("[DONE]", events.get(2));
    }

    @Test
    void seededSamplingIsReproducible() {
        ObjectNode req = Http.chat("Say something.", 8);
        req.put("temperature", 0.9);
        req.put("top_p", 0.8);
        req.put("seed", 1234);
        Completion expected = engine.chat(List.of(ChatMessage.user("Say something.")),
                GenerationOptions.builder().maxNewTokens(8).temperature(0.9).topP(0.8).seed(1234).build());
        Http.Reply r1 = Http.post(chat, req);
        Http.Reply r2 = Http.post(chat, req);
        assertEquals(200, r1.status(), r1.body());
        String t1 = r1.json().get("choices").get(0).get("message").get("content").asText();
        assertEquals(expected.text(), t1);
        assertEquals(t1, r2.json().get("choices").get(0).get("message").get("content").asText());
    }

    @Test
    void modelsAndHealth() {
        Http.Reply m = Http.get(URI.create(server.baseUri() + "/models"));
        assertEquals(200, m.status());
        assertEquals("list", m.json().get("object").asText());
        assertEquals("tiny", m.json().get("data").get(0).get("id").asText());
        Http.Reply one = Http.get(URI.create(server.baseUri() + "/models/tiny"));
        assertEquals("model", one.json().get("object").asText());
        assertEquals(404, Http.get(URI.create(server.baseUri() + "/models/other")).status());
        Http.Reply h = Http.get(URI.create("http://127.0.0.1:" + server.port() + "/health"));
        assertEquals(200, h.status());
        assertEquals("ok", h.json().get("status").asText());
    }

    private static Object parse(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
