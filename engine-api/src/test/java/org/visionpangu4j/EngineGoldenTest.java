package org.visionpangu4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.kernels.VectorMath;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.llm.model.SessionOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visionpangu4j.TestModels.maxAbsDiff;

/**
 * The goldens through the public {@link Engine}: image → tiles → vision → splice → prefill → greedy decode.
 * Tolerances from the fixture README: ids exact, inputs_embeds ≤ 1e-4, logits ≤ 1e-3.
 */
class EngineGoldenTest {
    static final double EMBEDS_TOL = 1e-4;
    static final double LOGITS_TOL = 1e-3;

    static Engine engine;
    static JsonNode manifest;

    @BeforeAll
    static void load() throws IOException {
        engine = Engine.load(TestModels.dir(), EngineOptions.builder().threads(2).build());
        manifest = new ObjectMapper().readTree(TestModels.dir().resolve("golden/manifest.json").toFile());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static List<ChatMessage> multimodalMessages(String image) {
        JsonNode mm = manifest.get("multimodal");
        return List.of(ChatMessage.system(mm.get("system_message").asText()),
                ChatMessage.user(mm.get("question").asText(), ImageInput.of(TestModels.dir().resolve(image))));
    }

    @Test
    void multimodalPromptEmbeddingsAndLogits() {
        try (Checkpoint golden = TestModels.golden("multimodal.safetensors")) {
            Engine.Prepared p = engine.prepare(multimodalMessages(manifest.get("multimodal").get("image").asText()));
            assertArrayEquals(TestModels.ints(golden.tensor("input_ids")), p.ids());
            assertArrayEquals(new int[]{7}, p.tiles());
            double de = maxAbsDiff(golden.tensor("inputs_embeds").toFloatArray(), p.embeddings());
            assertTrue(de <= EMBEDS_TOL, "inputs_embeds max abs diff " + de);

            // Prefill and every greedy step against the golden logits, on the engine's own decoder.
            int vocab = engine.model().decoder().vocabSize();
            float[] steps = golden.tensor("step_logits").toFloatArray();
            int[] expected = TestModels.ints(golden.tensor("generated_ids"));
            Session s = engine.model().decoder().newSession(engine.model().pool(), SessionOptions.defaults());
            float[] logits = s.prefill(p.embeddings());
            for (int i = 0; i < expected.length; i++) {
                double d = maxAbsDiff(logits, 0, steps, i * vocab, vocab);
                assertTrue(d <= LOGITS_TOL, "step " + i + " logits max abs diff " + d);
                int next = VectorMath.argmax(logits, 0, vocab);
                assertEquals(expected[i], next, "greedy id at step " + i);
                logits = s.decode(next);
            }
        }
    }

    @Test
    void everyResidencyGivesTheSameCaption() {
        List<ChatMessage> messages = multimodalMessages(manifest.get("multimodal").get("image").asText());
        GenerationOptions greedy = GenerationOptions.builder().maxNewTokens(4).build();
        for (WeightFormat weights : new WeightFormat[]{null, WeightFormat.Q8_0}) {
            float[] embeddings = null;
            int[] tokens = null;
            for (EngineOptions.Residency r : EngineOptions.Residency.values()) {
                EngineOptions o = EngineOptions.builder().threads(2).weights(weights).residency(r).build();
                try (Engine e = Engine.load(TestModels.dir(), o)) {
                    float[] emb = e.prepare(messages).embeddings();
                    int[] ids = e.chat(messages, greedy).tokenIds();
                    if (embeddings == null) {
                        embeddings = emb;
                        tokens = ids;
                    } else {
                        double d = maxAbsDiff(embeddings, emb);
                        assertTrue(d <= EMBEDS_TOL, r + ", weights " + weights + ": inputs_embeds differ by " + d);
                        assertArrayEquals(tokens, ids, r + ", weights " + weights);
                    }
                }
            }
        }
    }

    @Test
    void multimodalCaptionThroughChat() {
        JsonNode mm = manifest.get("multimodal");
        GenerationOptions greedy = GenerationOptions.builder().maxNewTokens(mm.get("max_new_tokens").asInt()).build();
        StringBuilder streamed = new StringBuilder();
        Completion c = engine.chat(multimodalMessages(mm.get("image").asText()), greedy, streamed::append, null);
        assertArrayEquals(ints(mm.get("generated_ids")), c.tokenIds());
        assertEquals(mm.get("response").asText(), c.text());
        assertEquals(c.text(), streamed.toString(), "streamed pieces concatenate to the reply");
        assertEquals(StopReason.MAX_TOKENS, c.stopReason());
        assertArrayEquals(new int[]{7}, c.tiles());
    }

    @Test
    void textGoldenThroughChat() throws IOException {
        JsonNode text = manifest.get("text");
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : text.get("messages")) {
            messages.add(m.get("role").asText().equals("system") ? ChatMessage.system(m.get("content").asText())
                    : ChatMessage.user(m.get("content").asText()));
        }
        try (Checkpoint golden = TestModels.golden("text.safetensors")) {
            Engine.Prepared p = engine.prepare(messages);
            assertArrayEquals(TestModels.ints(golden.tensor("input_ids")), p.ids());
            assertNull(p.embeddings());
        }
        Completion c = engine.chat(messages, GenerationOptions.builder()
                .maxNewTokens(text.get("greedy_new_tokens").asInt()).build());
        assertArrayEquals(ints(text.get("greedy_ids")), c.tokenIds());
        assertEquals(text.get("greedy_decode_skip_special").asText().strip(), c.text());
    }

    /** Every fixture image, same system message and question: prompt ids exact, pinned greedy ids exact. */
    @Test
    void captionsOfEveryImage() {
        JsonNode every = manifest.get("captions_every_image");
        GenerationOptions greedy = GenerationOptions.builder().maxNewTokens(every.get("max_new_tokens").asInt()).build();
        for (JsonNode cs : every.get("cases")) {
            List<ChatMessage> messages = List.of(ChatMessage.system(every.get("system_message").asText()),
                    ChatMessage.user(every.get("question").asText(),
                            ImageInput.of(TestModels.dir().resolve(cs.get("image").asText()))));
            Completion c = engine.chat(messages, greedy);
            String image = cs.get("image").asText();
            assertArrayEquals(ints(cs.get("input_ids")), c.promptTokenIds(), image + " prompt ids");
            assertArrayEquals(new int[]{cs.get("tiles").asInt()}, c.tiles(), image + " tiles");
            if (cs.has("generated_ids")) {
                assertArrayEquals(ints(cs.get("generated_ids")), c.tokenIds(), image + " generated ids");
            }
        }
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
