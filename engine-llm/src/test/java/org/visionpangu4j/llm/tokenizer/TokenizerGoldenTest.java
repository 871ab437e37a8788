package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every case of golden/tokenizer_cases.json, exactly: pieces, ids, decode with and without skipping specials. */
class TokenizerGoldenTest {
    static Path fixture;
    static Tokenizer tok;
    static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        fixture = fixtureDir();
        tok = SentencePieceTokenizer.load(fixture);
        cases = new ObjectMapper().readTree(fixture.resolve("golden/tokenizer_cases.json").toFile());
    }

    static Path fixtureDir() {
        return Path.of(System.getProperty("visionpangu.testdata", "../testdata"), "tiny-visionpangu");
    }

    static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).intValue();
        }
        return out;
    }

    static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Streams ids one by one and checks every output is whole characters; returns the concatenation. */
    static String stream(Tokenizer t, int[] ids, boolean skip) {
        StreamingDecoder d = t.streamingDecoder(skip);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            String s = d.feed(id);
            assertWholeCharacters(s);
            sb.append(s);
        }
        String rest = d.finish();
        assertWholeCharacters(rest);
        return sb.append(rest).toString();
    }

    static void assertWholeCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertFalse(i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)),
                        "streamed text ends inside a surrogate pair: " + s);
                i++;
            } else {
                assertFalse(Character.isLowSurrogate(c), "lone low surrogate in streamed text: " + s);
            }
        }
    }

    @Test
    void fixtureHasTheAdvertisedCaseCounts() {
        assertEquals(69, cases.get("cases").size());
        assertEquals(7, cases.get("decode_only").size());
    }

    @TestFactory
    List<DynamicTest> encodeCases() {
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode c : cases.get("cases")) {
            String text = c.get("text").asText();
            tests.add(DynamicTest.dynamicTest("case " + (i++) + ": " + abbreviate(text), () -> {
                assertEquals(strings(c.get("pieces")), tok.pieces(text), "pieces");
                int[] ids = ints(c.get("ids"));
                assertArrayEquals(ids, tok.encode(text), "ids with BOS");
                assertArrayEquals(ints(c.get("ids_no_special")), tok.encode(text, false), "ids without specials");
                assertEquals(c.get("decode").asText(), tok.decode(ids, false), "decode");
                assertEquals(c.get("decode_skip_special").asText(), tok.decode(ids, true), "decode skip special");
                assertEquals(c.get("decode").asText(), stream(tok, ids, false), "streamed decode");
                assertEquals(c.get("decode_skip_special").asText(), stream(tok, ids, true), "streamed decode skip");
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> decodeOnlyCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("decode_only")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                int[] ids = ints(c.get("ids"));
                assertEquals(c.get("decode").asText(), tok.decode(ids, false), "decode");
                assertEquals(c.get("decode_skip_special").asText(), tok.decode(ids, true), "decode skip special");
                assertEquals(c.get("decode").asText(), stream(tok, ids, false), "streamed decode");
                assertEquals(c.get("decode_skip_special").asText(), stream(tok, ids, true), "streamed decode skip");
            }));
        }
        return tests;
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return one.length() > 40 ? one.substring(0, 40) + "…" : one;
    }
}
