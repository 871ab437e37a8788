package org.visionpangu4j.llm.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SentencePiece behaviours the fixture does not exercise, on small hand-built models. */
class SentencePieceBpeTest {
    @TempDir
    Path tmp;

    static List<String> pieces(SentencePieceBpe bpe, String text) {
        List<String> out = new ArrayList<>();
        bpe.encode(text, new IntList(8), out);
        return out;
    }

    static int[] ids(SentencePieceBpe bpe, String text) {
        IntList ids = new IntList(8);
        bpe.encode(text, ids, null);
        return ids.toArray();
    }

    @Test
    void highestScoringPairMergesFirst() {
        // "bc" scores higher than "ab", so a|bc wins although ab is further left.
        TestModels m = TestModels.basic(false).normals("▁", "a", "b", "c", "bc", "ab");
        assertEquals(List.of("▁", "a", "bc"), pieces(m.bpe(), "abc"));
    }

    @Test
    void leftmostPairWinsATie() {
        TestModels m = TestModels.basic(false).normals("▁", "a");
        m.add("aa", -5, TestModels.NORMAL);
        assertEquals(List.of("▁", "aa", "aa", "a"), pieces(m.bpe(), "aaaaa"));
        TestModels tie = TestModels.basic(false).normals("▁", "a", "b", "c");
        tie.add("ab", -7, TestModels.NORMAL).add("bc", -7, TestModels.NORMAL);
        assertEquals(List.of("▁", "ab", "c"), pieces(tie.bpe(), "abc"));
    }

    @Test
    void negativeZeroScoreTiesWithZero() {
        // C++ compares scores with '<', so -0.0 and 0.0 tie and the leftmost pair wins.
        TestModels m = TestModels.basic(false).normals("▁", "a", "b", "c");
        m.add("bc", 0.0f, TestModels.NORMAL).add("ab", -0.0f, TestModels.NORMAL);
        assertEquals(List.of("▁", "ab", "c"), pieces(m.bpe(), "abc"));
    }

    @Test
    void mergesChainThroughNewPairs() {
        TestModels m = TestModels.basic(false).normals("▁", "a", "b", "c", "d", "ab", "cd", "abcd", "▁abcd");
        assertEquals(List.of("▁abcd"), pieces(m.bpe(), "abcd"));
    }

    @Test
    void unknownCharactersMergeIntoOneUnkWithoutByteFallback() {
        TestModels m = TestModels.basic(false).normals("▁", "a");
        SentencePieceBpe bpe = m.bpe();
        assertEquals(List.of("▁", "a", "xy", "a", "z"), pieces(bpe, "axyaz"));
        assertArrayEquals(new int[] {m.id("▁"), m.id("a"), 0, m.id("a"), 0}, ids(bpe, "axyaz"));
    }

    @Test
    void byteFallbackSpellsUnknownCharactersAsUtf8Bytes() {
        TestModels m = TestModels.basic(true).normals("▁", "a");
        assertEquals(List.of("▁", "<0xC3>", "<0xA9>", "a", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>"),
                pieces(m.bpe(), "éa😀"));
    }

    @Test
    void loneSurrogateIsNormalisedToReplacementCharacter() {
        TestModels m = TestModels.basic(true).normals("▁", "a");
        assertEquals(List.of("▁", "a", "<0xEF>", "<0xBF>", "<0xBD>", "a"), pieces(m.bpe(), "a\uD800a"));
    }

    @Test
    void removeExtraWhitespaces() {
        TestModels m = TestModels.basic(false).normals("▁", "a", "b");
        m.removeExtraWhitespaces = true;
        assertEquals(List.of("▁", "a", "▁", "b"), pieces(m.bpe(), "   a    b  "));
        assertEquals(List.of(), pieces(m.bpe(), "    "));
    }

    @Test
    void dummyPrefixOffAndWhitespaceAsSuffix() {
        TestModels off = TestModels.basic(false).normals("▁", "a", "b");
        off.addDummyPrefix = false;
        assertEquals(List.of("a", "▁", "b"), pieces(off.bpe(), "a b"));
        TestModels suffix = TestModels.basic(false).normals("▁", "a", "b");
        suffix.whitespaceAsSuffix = true;
        assertEquals(List.of("a", "▁", "b", "▁"), pieces(suffix.bpe(), "a b"));
    }

    @Test
    void userDefinedSymbolsAreWholeAndNeverMerged() {
        TestModels m = TestModels.basic(false).normals("▁", "x", "y", "▁x");
        m.add("<sep>", 0, TestModels.USER_DEFINED);
        m.add("▁<", 10, TestModels.NORMAL);   // would steal the '<' if <sep> were not frozen
        assertEquals(List.of("▁x", "<sep>", "y"), pieces(m.bpe(), "x<sep>y"));
        assertEquals(List.of("▁", "<sep>"), pieces(m.bpe(), "<sep>"));
    }

    @Test
    void unusedPiecesAreResegmentedIntoTheirParts() {
        TestModels m = TestModels.basic(false).normals("▁", "a", "b", "c");
        m.add("ab", -1, TestModels.UNUSED);
        assertEquals(List.of("▁", "a", "b", "c"), pieces(m.bpe(), "abc"));
        TestModels through = TestModels.basic(false).normals("▁", "a", "b", "c");
        through.add("ab", -1, TestModels.UNUSED).add("abc", -2, TestModels.NORMAL);
        assertEquals(List.of("▁", "abc"), pieces(through.bpe(), "abc"));
    }

    @Test
    void decodingControlUnknownAndLeadingSpaceWithoutConfigFiles() throws IOException {
        TestModels m = TestModels.basic(true).normals("▁", "a", "▁a");
        Tokenizer t = SentencePieceTokenizer.load(m.write(Files.createDirectories(tmp.resolve("m"))));
        int a = m.id("▁a");
        // No JSON files: BOS comes from the model and is added; <s>, </s>, <unk> are plain SentencePiece pieces.
        assertArrayEquals(new int[] {1, a, a}, t.encode("a a"));
        assertEquals("a a", t.decode(new int[] {1, a, a, 2}, false));          // control pieces are invisible
        // The unk surface " ⁇ " is text, so the following ▁ is no longer the leading one and stays a space.
        assertEquals(" \u2047  a", t.decode(new int[] {0, a}, false));
        assertEquals("A a", t.decode(new int[] {m.id("<0x41>"), a}, false));   // bytes count as text: ▁ kept
    }

    @Test
    void streamingMatchesDecodeOnRandomSequences() {
        Tokenizer t = SentencePieceTokenizer.load(TokenizerGoldenTest.fixtureDir());
        java.util.Random rnd = new java.util.Random(42);
        for (int trial = 0; trial < 300; trial++) {
            int[] ids = new int[rnd.nextInt(30)];
            for (int i = 0; i < ids.length; i++) {
                // Bias towards byte pieces (39..294) so partial and invalid UTF-8 sequences are common.
                ids[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(t.vocabSize()) : 39 + rnd.nextInt(256);
            }
            for (boolean skip : new boolean[] {false, true}) {
                assertEquals(t.decode(ids, skip), TokenizerGoldenTest.stream(t, ids, skip));
            }
        }
    }

    @Test
    void streamingHoldsBackAnIncompleteCharacter() {
        Tokenizer t = SentencePieceTokenizer.load(TokenizerGoldenTest.fixtureDir());
        StreamingDecoder d = t.streamingDecoder(true);
        assertEquals("", d.feed(267));      // <0xE4>
        assertEquals("", d.feed(223));      // <0xB8>
        assertEquals("中", d.feed(212));    // <0xAD>
        assertEquals("", d.feed(267));
        assertEquals("\uFFFDA", d.feed(104)); // <0x41> proves the held byte invalid
        assertEquals("", d.feed(267));
        assertEquals("\uFFFD", d.finish());
    }
}
