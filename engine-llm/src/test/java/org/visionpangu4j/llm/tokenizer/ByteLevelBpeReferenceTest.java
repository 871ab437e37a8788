package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.text.Normalizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 608 random strings (letters, digits, punctuation, every kind of whitespace, CJK, combining marks, emoji,
 * contractions, added tokens and near-misses, long runs) encoded by a Python re-implementation of the slow
 * Qwen2Tokenizer over the tiny-internvl vocabulary with the {@code regex} module
 * ({@code src/test/resources/qwen2-bpe-reference/gen_reference.py}): both loaders must give those ids (the
 * tokenizer.json one its own where NFC composes across an added token, e.g. {@code <|im_end|>} + U+0338, which
 * the slow tokenizer turns into {@code <|im_end|≯}), and decoding must give back the NFC text.
 */
class ByteLevelBpeReferenceTest {
    @TempDir
    static Path tmp;
    static ByteLevelBpeTokenizer slow;
    static ByteLevelBpeTokenizer fast;
    static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        Path fixture = ByteLevelBpeGoldenTest.fixtureDir();
        slow = ByteLevelBpeTokenizer.loadSlow(fixture);
        fast = ByteLevelBpeTokenizer.loadTokenizerJson(
                TokenizerJsonWriter.write(TokenizerJsonWriter.build(fixture, false), tmp.resolve("fast")));
        try (InputStream in = ByteLevelBpeReferenceTest.class.getResourceAsStream("/qwen2-bpe-reference/cases.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
    }

    @Test
    void everyReferenceCase() {
        assertEquals(608, cases.size());
        assertEquals(4, cases.findValues("fast_ids").size(), "cases where the two semantics differ");
        int i = 0;
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] ids = ByteLevelBpeGoldenTest.ints(c.get("ids"));
            String what = "case " + i++ + " " + escape(text);
            assertArrayEquals(ids, slow.encode(text), what + " (slow)");
            int[] fastIds = c.has("fast_ids") ? ByteLevelBpeGoldenTest.ints(c.get("fast_ids")) : ids;
            assertArrayEquals(fastIds, fast.encode(text), what + " (tokenizer.json)");
            String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
            assertEquals(nfc, slow.decode(ids, false), what + " decode");
            assertEquals(nfc, ByteLevelBpeGoldenTest.stream(slow, ids, false, nfc), what + " streamed decode");
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\u%04X", c)));
        return b.toString();
    }
}
