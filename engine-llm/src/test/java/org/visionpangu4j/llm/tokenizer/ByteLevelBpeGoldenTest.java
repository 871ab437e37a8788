package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case of tiny-internvl's golden/tokenizer_cases.json, exactly: through the slow files (pieces, ids, decode,
 * decode with skip_special_tokens) and through a tokenizer.json written from the same vocabulary (ids and the fast
 * skip_special_tokens decode); streamed decodes equal full ones.
 */
class ByteLevelBpeGoldenTest {
    @TempDir
    static Path tmp;
    static Path fixture;
    static ByteLevelBpeTokenizer slow;
    static ByteLevelBpeTokenizer fast;
    static JsonNode cases;
    static JsonNode manifest;

    @BeforeAll
    static void load() throws IOException {
        fixture = fixtureDir();
        slow = ByteLevelBpeTokenizer.load(fixture);
        fast = ByteLevelBpeTokenizer.loadTokenizerJson(
                TokenizerJsonWriter.write(TokenizerJsonWriter.build(fixture, true), tmp.resolve("fast")));
        cases = new ObjectMapper().readTree(fixture.resolve("golden/tokenizer_cases.json").toFile());
        manifest = new ObjectMapper().readTree(fixture.resolve("golden/manifest.json").toFile());
    }

    static Path fixtureDir() {
        return Path.of(System.getProperty("visionpangu.testdata", "../testdata"), "tiny-internvl");
    }

    @Test
    void fixtureHasTheAdvertisedCaseCounts() {
        assertEquals(94, cases.get("cases").size());
        assertEquals(14, cases.get("decode_only").size());
    }

    @Test
    void loadersFollowTheirSemantics() {
        assertEquals(ByteLevelBpeTokenizer.Semantics.SLOW, slow.semantics());
        assertEquals(ByteLevelBpeTokenizer.Semantics.FAST, fast.semantics());
        assertEquals(151674, slow.vocabSize());
        assertEquals(151674, fast.vocabSize());
    }

    @Test
    void specialSetsAreTheManifests() {
        assertEquals(ids(manifest.get("skip_special_tokens_drops")), specials(slow));
        assertEquals(ids(manifest.get("skip_special_tokens_fast_drops")), specials(fast));
    }

    @Test
    void roleAndImageTokenIds() {
        JsonNode s = manifest.get("special_ids");
        assertEquals(s.get("eos").intValue(), slow.eosId());
        assertEquals(-1, slow.bosId());
        ImageTokens img = slow.imageTokens();
        assertEquals(s.get("img_start").intValue(), img.imgStart());
        assertEquals(s.get("img_end").intValue(), img.imgEnd());
        assertEquals(s.get("img_context").intValue(), img.imgContext());
        assertEquals(s.get("im_start").intValue(), slow.tokenId("<|im_start|>").getAsInt());
        assertEquals(s.get("endoftext").intValue(), slow.tokenId("<|endoftext|>").getAsInt());
        assertEquals(198, slow.tokenId("Ċ").getAsInt());
        assertEquals("Ċ", slow.token(198));
    }

    @TestFactory
    List<DynamicTest> encodeCases() {
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode c : cases.get("cases")) {
            String text = c.get("text").asText();
            tests.add(DynamicTest.dynamicTest("case " + (i++) + ": " + abbreviate(text), () -> {
                int[] ids = ints(c.get("ids"));
                assertEquals(strings(c.get("pieces")), slow.pieces(text), "pieces");
                assertArrayEquals(ids, slow.encode(text), "ids");
                assertArrayEquals(ints(c.get("ids_no_special")), slow.encode(text, false), "ids without specials");
                assertArrayEquals(ids, fast.encode(text), "ids through tokenizer.json");
                checkDecodes(c, ids);
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> decodeOnlyCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("decode_only")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> checkDecodes(c, ints(c.get("ids")))));
        }
        return tests;
    }

    private static void checkDecodes(JsonNode c, int[] ids) {
        String full = c.get("decode").asText();
        String skip = c.get("decode_skip_special").asText();
        String skipFast = c.get("decode_skip_special_fast").asText();
        assertEquals(full, slow.decode(ids, false), "decode");
        assertEquals(skip, slow.decode(ids, true), "decode skip special");
        assertEquals(full, fast.decode(ids, false), "decode through tokenizer.json");
        assertEquals(skipFast, fast.decode(ids, true), "decode skip special through tokenizer.json");
        assertEquals(full, stream(slow, ids, false, full), "streamed decode");
        assertEquals(skip, stream(slow, ids, true, skip), "streamed decode skip special");
        assertEquals(skipFast, stream(fast, ids, true, skipFast), "streamed fast decode skip special");
    }

    /**
     * Feeds ids one at a time; every output must be whole characters and may only contain a U+FFFD where the full
     * decode has one at that place (it is a prefix of the full decode).
     */
    static String stream(Tokenizer t, int[] ids, boolean skip, String expected) {
        StreamingDecoder d = t.streamingDecoder(skip);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            String s = d.feed(id);
            assertWholeCharacters(s);
            sb.append(s);
            assertTrue(expected.startsWith(sb.toString()), "streamed text is not a prefix of the decode: " + sb);
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

    static Set<Integer> specials(Tokenizer t) {
        Set<Integer> out = new TreeSet<>();
        for (int id = 0; id < t.vocabSize(); id++) {
            if (t.isSpecial(id)) {
                out.add(id);
            }
        }
        return out;
    }

    static Set<Integer> ids(JsonNode arr) {
        Set<Integer> out = new TreeSet<>();
        arr.forEach(n -> out.add(n.intValue()));
        return out;
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

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return one.length() > 40 ? one.substring(0, 40) + "…" : one;
    }
}
