package org.visionpangu4j.llm.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.llm.model.Fixture;
import org.visionpangu4j.llm.tokenizer.ImageTokens;
import org.visionpangu4j.llm.tokenizer.SentencePieceTokenizer;
import org.visionpangu4j.llm.tokenizer.Tokenizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The manifest's chat prompts, rendered by the template chosen from config.json, image-expanded with the manifest's
 * tile counts and tokenized, must give exactly the goldens' input_ids; decoded generations must give the manifest's
 * strings and responses.
 */
class PromptGoldenTest {
    static JsonNode manifest;
    static Tokenizer tok;
    static int tokensPerTile;
    static ChatTemplate template;

    @BeforeAll
    static void load() throws IOException {
        manifest = new ObjectMapper().readTree(Fixture.dir().resolve("golden/manifest.json").toFile());
        tok = SentencePieceTokenizer.load(Fixture.dir());
        tokensPerTile = manifest.get("num_image_token_per_tile").intValue();
        template = ChatTemplates.forName(new ObjectMapper().readTree(Fixture.dir().resolve("config.json").toFile())
                .get("template").asText());
    }

    static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).intValue();
        }
        return out;
    }

    static int[] goldenIds(String file, String tensor) {
        try (Checkpoint c = Fixture.golden(file)) {
            return Fixture.ints(c.tensor(tensor));
        }
    }

    static List<Message> messages(JsonNode arr) {
        List<Message> out = new ArrayList<>();
        for (JsonNode m : arr) {
            out.add(new Message(Role.of(m.get("role").asText()), m.get("content").asText()));
        }
        return out;
    }

    @Test
    void templateComesFromConfig() {
        assertEquals("openpangu", template.name());
    }

    @Test
    void imageTokenIdsAreReadFromTheTokenizerFiles() {
        JsonNode ids = manifest.get("special_ids");
        ImageTokens it = tok.imageTokens();
        assertEquals(ids.get("img_start").intValue(), it.imgStart());
        assertEquals(ids.get("img_end").intValue(), it.imgEnd());
        assertEquals(ids.get("img_context").intValue(), it.imgContext());
        assertEquals(ids.get("bos").intValue(), tok.bosId());
        assertEquals(ids.get("eos").intValue(), tok.eosId());
        assertEquals(Fixture.config().vocabSize(), tok.vocabSize());
    }

    @Test
    void textPrompt() {
        JsonNode text = manifest.get("text");
        List<Message> msgs = messages(text.get("messages"));
        assertEquals(text.get("prompt").asText(), template.render(msgs, true));
        ChatPrompt p = ChatPrompt.build(tok, template, msgs);
        assertArrayEquals(goldenIds("text.safetensors", "input_ids"), p.ids());
        assertArrayEquals(ints(text.get("input_ids")), p.ids());
        assertEquals(0, p.imageContexts());
    }

    @Test
    void textGenerationDecodes() {
        JsonNode text = manifest.get("text");
        int[] ids = ints(text.get("greedy_ids"));
        assertArrayEquals(goldenIds("text.safetensors", "greedy_ids"), ids);
        assertEquals(text.get("greedy_decode").asText(), tok.decode(ids, false));
        assertEquals(text.get("greedy_decode_skip_special").asText(), tok.decode(ids, true));
    }

    @Test
    void multimodalPrompt() {
        JsonNode mm = manifest.get("multimodal");
        List<Message> msgs = List.of(Message.system(mm.get("system_message").asText()),
                Message.user(mm.get("question").asText(), 1));
        assertEquals(mm.get("prompt_with_image_placeholder").asText(),
                template.render(ImagePrompt.withPlaceholders(msgs), true));
        int tiles = mm.get("num_tiles").intValue();
        ChatPrompt p = ChatPrompt.build(tok, template, msgs, new int[] {tiles}, tokensPerTile);
        assertEquals(mm.get("query").asText(), p.text());
        assertArrayEquals(goldenIds("multimodal.safetensors", "input_ids"), p.ids());
        assertArrayEquals(ints(mm.get("input_ids")), p.ids());
        assertEquals(mm.get("num_image_context_tokens").intValue(), p.imageContexts());
    }

    @Test
    void multimodalPromptWithoutSystemMessage() {
        JsonNode mm = manifest.get("multimodal");
        List<Message> msgs = List.of(Message.user(mm.get("question").asText(), 1));
        assertEquals(mm.get("prompt_no_system").asText(), template.render(ImagePrompt.withPlaceholders(msgs), true));
        ChatPrompt p = ChatPrompt.build(tok, template, msgs, new int[] {mm.get("num_tiles").intValue()},
                tokensPerTile);
        assertArrayEquals(ints(mm.get("input_ids_no_system")), p.ids());
    }

    @Test
    void multimodalResponse() {
        JsonNode mm = manifest.get("multimodal");
        int[] ids = ints(mm.get("generated_ids"));
        assertArrayEquals(goldenIds("multimodal.safetensors", "generated_ids"), ids);
        String skip = tok.decode(ids, true);
        assertEquals(mm.get("generated_decode").asText(), skip);
        assertEquals(mm.get("response").asText(), template.response(skip));
    }

    @Test
    void captionPromptForEveryImage() {
        JsonNode cap = manifest.get("captions_every_image");
        for (JsonNode c : cap.get("cases")) {
            List<Message> msgs = List.of(Message.system(cap.get("system_message").asText()),
                    Message.user(cap.get("question").asText(), 1));
            ChatPrompt p = ChatPrompt.build(tok, template, msgs, new int[] {c.get("tiles").intValue()},
                    tokensPerTile);
            assertArrayEquals(ints(c.get("input_ids")), p.ids(), c.get("image").asText());
        }
    }
}
